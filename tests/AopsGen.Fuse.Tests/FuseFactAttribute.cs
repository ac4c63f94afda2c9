using System.Collections.Generic;
using System.Runtime.CompilerServices;
using AopsGen.Fuse;
using Xunit;
using Xunit.v3;

namespace AopsGen.Fuse.Tests;

/// <summary>A test that mounts through FUSE: it carries the trait <c>Requires=fuse</c> (so
/// <c>dotnet test --filter "Requires!=fuse"</c> leaves it out) and is skipped, with the reason
/// <see cref="FuseMount.Unavailable"/> gives, where /dev/fuse or libfuse3 is missing.</summary>
public sealed class FuseFactAttribute : FactAttribute, ITraitAttribute
{
    public FuseFactAttribute([CallerFilePath] string? sourceFilePath = null, [CallerLineNumber] int sourceLineNumber = -1)
        : base(sourceFilePath, sourceLineNumber)
    {
        Skip = FuseMount.Unavailable();
    }

    public IReadOnlyCollection<KeyValuePair<string, string>> GetTraits() => [new("Requires", "fuse")];
}

/// <summary>A test that mounts through FUSE and runs host tools (fio, stress-ng, cp, diff, fusermount3): trait
/// <c>Requires=fuse</c>; skipped, with the reason, where FUSE or a tool is missing (.ci/run installs them).</summary>
public sealed class ToolFactAttribute : FactAttribute, ITraitAttribute
{
    public ToolFactAttribute(string[] tools, [CallerFilePath] string? sourceFilePath = null, [CallerLineNumber] int sourceLineNumber = -1)
        : base(sourceFilePath, sourceLineNumber)
    {
        Skip = HostTools.Unavailable(tools);
    }

    public IReadOnlyCollection<KeyValuePair<string, string>> GetTraits() => [new("Requires", "fuse")];
}

/// <summary><see cref="ToolFactAttribute"/> for a theory.</summary>
public sealed class ToolTheoryAttribute : TheoryAttribute, ITraitAttribute
{
    public ToolTheoryAttribute(string[] tools, [CallerFilePath] string? sourceFilePath = null, [CallerLineNumber] int sourceLineNumber = -1)
        : base(sourceFilePath, sourceLineNumber)
    {
        Skip = HostTools.Unavailable(tools);
    }

    public IReadOnlyCollection<KeyValuePair<string, string>> GetTraits() => [new("Requires", "fuse")];
}
