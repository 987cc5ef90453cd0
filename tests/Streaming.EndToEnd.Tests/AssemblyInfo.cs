// Every test here starts a standalone host, and chDB serves one data folder per process at a time:
// the host tests run one after another.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
