using System.Runtime.Versioning;

// These tests open block devices and host files through libc (O_DIRECT, FIEMAP, statx), which AopsGen supports on
// Linux only: the platform analyzer (CA1416) takes it from here.
[assembly: SupportedOSPlatform("linux")]
