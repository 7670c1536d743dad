from codex_cli.main import main

main()
