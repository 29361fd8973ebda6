cmount -P --mountinfo "$FIXTURES/mountinfo-v1v2" --proc-cgroup "$FIXTURES/proc-self-cgroup"
