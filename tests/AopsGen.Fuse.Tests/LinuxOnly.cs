using System.Runtime.Versioning;

// These tests mount through FUSE (/dev/fuse, libfuse3) and BlockFs images through libc (O_DIRECT): Linux only, and the
// platform analyzer (CA1416) takes it from here.
[assembly: SupportedOSPlatform("linux")]
