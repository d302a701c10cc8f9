// Fixtures are independent (each builds its own loopback network, fake clock, workspaces and stores; nothing static is
// written), so two run at once. A fixture that measures process-wide state (GC memory) is [NonParallelizable].
[assembly: Parallelizable(ParallelScope.Fixtures)]
[assembly: LevelOfParallelism(2)]
