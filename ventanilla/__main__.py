from ventanilla.cli import cli

cli()
