from ihr.cli import main

main()
