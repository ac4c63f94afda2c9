using System.Runtime.Versioning;

// These tests run aops, which mounts BlockFs and HostFs through libc (O_DIRECT, FIEMAP, statx): Linux only, and the
// platform analyzer (CA1416) takes it from here.
[assembly: SupportedOSPlatform("linux")]
