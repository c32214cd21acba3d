from budgetdq.cli import main

main()
