using System.Runtime.Versioning;

// The benchmarks write through O_DIRECT block devices and run aops's demo, which AopsGen supports on Linux only:
// the platform analyzer (CA1416) takes it from here.
[assembly: SupportedOSPlatform("linux")]
