cmount --raw --noheadings --output TYPE,NAME,TARGET --mountinfo "$FIXTURES/mountinfo-v2only"
