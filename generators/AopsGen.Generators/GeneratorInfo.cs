namespace AopsGen.Generators;

/// <summary>The generator's name and version, as written into <c>[GeneratedCode]</c>.</summary>
internal static class GeneratorInfo
{
    /// <summary>Kept equal to the package version (Directory.Build.props); a test checks it.</summary>
    public const string Version = "0.1.0";
}
