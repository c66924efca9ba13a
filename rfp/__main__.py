from rfp.cli import main

main()
