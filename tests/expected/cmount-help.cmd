cmount --help
