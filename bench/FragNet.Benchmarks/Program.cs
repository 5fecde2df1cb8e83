using BenchmarkDotNet.Running;

// Every benchmark class in this assembly; pass BenchmarkDotNet's own arguments (e.g. --filter '*' --job short).
BenchmarkSwitcher.FromAssembly(typeof(FragNet.Benchmarks.SkBuffBenchmarks).Assembly).Run(args);
