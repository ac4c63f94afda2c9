using System.Runtime.Versioning;

// These tests run the benchmarks' rigs, which write through O_DIRECT block devices and run aops's demo: Linux only,
// and the platform analyzer (CA1416) takes it from here.
[assembly: SupportedOSPlatform("linux")]
