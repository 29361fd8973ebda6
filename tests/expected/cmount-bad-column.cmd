cmount --output NOPE --mountinfo "$FIXTURES/mountinfo-v1v2"
