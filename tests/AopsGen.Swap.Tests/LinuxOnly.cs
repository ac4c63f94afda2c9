using System.Runtime.Versioning;

// Mkswap.Format(path) looks at files through libc (statx, open with O_NOFOLLOW, fallocate), which AopsGen supports on
// Linux only: the platform analyzer (CA1416) takes it from here.
[assembly: SupportedOSPlatform("linux")]
