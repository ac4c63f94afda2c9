using AopsGen.Fuse;
using Xunit;

[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace AopsGen.Fuse.Tests;

/// <summary>A test that mounts through FUSE: skipped, with the reason <see cref="FuseMount.Unavailable"/> gives, where
/// /dev/fuse or libfuse3 is missing.</summary>
public sealed class FuseFactAttribute : FactAttribute
{
    public FuseFactAttribute()
    {
        if (FuseMount.Unavailable() is string reason)
        {
            Skip = reason;
        }
    }
}
