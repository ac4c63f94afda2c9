using System.Runtime.Versioning;

// aops mounts BlockFs and HostFs, which open block devices and host files through libc (O_DIRECT, FIEMAP, statx):
// Linux only, and the platform analyzer (CA1416) takes it from here.
[assembly: SupportedOSPlatform("linux")]
