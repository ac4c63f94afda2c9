using Microsoft.CodeAnalysis;

namespace AopsGen.Analyzers;

/// <summary>
/// The AOPS rules. IDs are a public contract: they appear in <c>.editorconfig</c>, <c>#pragma</c> and
/// <c>NoWarn</c> of users' projects, in AnalyzerReleases.*.md and in docs/diagnostics/AOPSnnn.md.
/// </summary>
public static class AopsDiagnostics
{
    /// <summary>Category of the rules about how a table and its op methods are declared.</summary>
    public const string DeclarationCategory = "AopsGen.Declaration";

    /// <summary>Category of the rules about tables a swap file goes through.</summary>
    public const string SwapCategory = "AopsGen.Swap";

    /// <summary>Category of the rules about the project's build settings.</summary>
    public const string BuildCategory = "AopsGen.Build";

    /// <summary>The key of <see cref="Diagnostic.Properties"/> that names the op (<c>ReadPage</c>) of an AOPS002/AOPS003 diagnostic.</summary>
    public const string OpProperty = "Op";

    /// <summary>Where each rule's page is: <c>HelpLinkBase + "AOPS001.md"</c>.</summary>
    public const string HelpLinkBase = "https://github.com/aopsgen/aopsgen/blob/main/docs/diagnostics/";

    /// <summary>AOPS001: a table class, or a type containing it, is not partial.</summary>
    public static readonly DiagnosticDescriptor NotPartial = new(
        id: "AOPS001",
        title: "A table class and every type containing it must be partial",
        messageFormat: "'{0}' must be partial: the generator adds the Operations table of '{1}' by reopening it",
        category: DeclarationCategory,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "The generator adds 'Operations' and 'StaticOps' to an [AddressSpaceOperations] class in a second partial declaration, which reopens the class and every type around it. A type that is not partial cannot be reopened, so no table is generated.",
        helpLinkUri: HelpLinkBase + "AOPS001.md");

    /// <summary>AOPS002: an op method is not static.</summary>
    public static readonly DiagnosticDescriptor NotStatic = new(
        id: "AOPS002",
        title: "An op method must be static",
        messageFormat: "Op method '{0}' must be static: the table holds its address, as a kernel table holds a function pointer",
        category: DeclarationCategory,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "A table slot is a C# function pointer (delegate*), and only a static method has an address. The method gets no slot until it is static.",
        helpLinkUri: HelpLinkBase + "AOPS002.md");

    /// <summary>
    /// AOPS003: an op method's signature is not its op's, or it is no ordinary method. The second argument says which:
    /// "does not have the signature of", or what the method is and why that cannot fill a slot (<see cref="OpMethodAnalyzer"/>).
    /// </summary>
    public static readonly DiagnosticDescriptor WrongSignature = new(
        id: "AOPS003",
        title: "An op method's signature must be its op's",
        messageFormat: "'{0}' {1} [{2}] ({3}); expected: {4}",
        category: DeclarationCategory,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "Each op has one signature, the Linux prototype in C# form (docs/ops.md): return type, parameter types and ref kinds must match; parameter names are free and nullability is not checked. A method with another signature gets no slot.",
        helpLinkUri: HelpLinkBase + "AOPS003.md");

    /// <summary>AOPS004: one op declared twice in one table.</summary>
    public static readonly DiagnosticDescriptor DuplicateOp = new(
        id: "AOPS004",
        title: "An op is declared twice in one table",
        messageFormat: "'{0}' declares [{1}] again; the table of '{2}' uses '{3}', which comes first by file path, then position",
        category: DeclarationCategory,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "A struct address_space_operations has one slot per op. When two valid methods claim it, the generator keeps the first by file path, then position, and drops the others.",
        helpLinkUri: HelpLinkBase + "AOPS004.md");

    /// <summary>AOPS005: [SwapActivate] sets SWP_FS_OPS in a table without [SwapRw].</summary>
    public static readonly DiagnosticDescriptor SwapFsOpsWithoutSwapRw = new(
        id: "AOPS005",
        title: "swap_activate sets SWP_FS_OPS but the table has no swap_rw",
        messageFormat: "'{0}' sets SwapFlags.FsOps in '{1}' but has no [SwapRw]: swapon refuses the file (EINVAL), an SWP_FS_OPS area reads and writes only through swap_rw",
        category: SwapCategory,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "Since 5.19 a filesystem whose swap_activate sets SWP_FS_OPS has every swap read and write sent to its swap_rw. The swap core refuses such an area at swapon when the table has no swap_rw, after calling swap_deactivate.",
        helpLinkUri: HelpLinkBase + "AOPS005.md");

    /// <summary>AOPS006: a swap-capable table swapon refuses: no [ReadPage], or an SWP_FILE activation without [DirectIO].</summary>
    public static readonly DiagnosticDescriptor SwapFileWithoutIo = new(
        id: "AOPS006",
        title: "swapon refuses this swap-capable table: it cannot read or write the swap file",
        messageFormat: "'{0}' has [SwapActivate] but no {1}: {2}",
        category: SwapCategory,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "swapon refuses a file without readpage (EINVAL). A swap_activate that neither sets SWP_FS_OPS nor adds extents makes an SWP_FILE area (3.6), written with direct_IO: swapon refuses it without direct_IO (EINVAL). One that adds extents (add_swap_extent) needs no I/O op: the swap core writes the block device.",
        helpLinkUri: HelpLinkBase + "AOPS006.md");

    /// <summary>AOPS007: AllowUnsafeBlocks is off.</summary>
    public static readonly DiagnosticDescriptor UnsafeBlocksOff = new(
        id: "AOPS007",
        title: "Generated tables need AllowUnsafeBlocks",
        messageFormat: "The table of '{0}' takes the address of its op methods, which needs unsafe code, but this project sets AllowUnsafeBlocks to false; set <AllowUnsafeBlocks>true</AllowUnsafeBlocks> in the project file",
        category: BuildCategory,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "The generated table is built from &Method expressions, which C# allows only in unsafe code. The AopsGen package turns AllowUnsafeBlocks on unless the project has set it; this project set it to false, so the generated code does not compile (CS0227).",
        helpLinkUri: HelpLinkBase + "AOPS007.md");

    /// <summary>AOPS008: a method on the swap path allocates.</summary>
    public static readonly DiagnosticDescriptor SwapPathAllocation = new(
        id: "AOPS008",
        title: "A method on the swap path allocates managed memory",
        messageFormat: "'{0}' runs on the swap path ({1}) and allocates here: {2}",
        category: SwapCategory,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "Swap-out runs when memory is short: it is how memory is freed, so it must not need memory itself. The write, dirty and read ops of a table with [SwapActivate], and every [NoAlloc] method, must not allocate: no new of a class or array, boxing, capturing lambda, string concatenation or interpolation, params array or LINQ.",
        helpLinkUri: HelpLinkBase + "AOPS008.md");

    /// <summary>AOPS009: an op attribute in a type without [AddressSpaceOperations].</summary>
    public static readonly DiagnosticDescriptor OpOutsideTable = new(
        id: "AOPS009",
        title: "An op attribute outside an [AddressSpaceOperations] class has no effect",
        messageFormat: "[{0}] on '{1}' has no effect: '{2}' has no [AddressSpaceOperations], so no table is generated for it",
        category: DeclarationCategory,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "The generator builds tables only for classes marked [AddressSpaceOperations], from their own methods. An op attribute anywhere else is ignored.",
        helpLinkUri: HelpLinkBase + "AOPS009.md");

    /// <summary>AOPS010: a table type that is generic, nested in a generic type, or not a class.</summary>
    public static readonly DiagnosticDescriptor UnsupportedType = new(
        id: "AOPS010",
        title: "A table must be a non-generic class",
        messageFormat: "'{0}' cannot hold an operations table: {1}",
        category: DeclarationCategory,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "A table is one static object per class, holding the addresses of static methods; a generic class would need one per instantiation, and the generator reopens only classes. Records, structs and interfaces are not supported.",
        helpLinkUri: HelpLinkBase + "AOPS010.md");

    /// <summary>AOPS011: an op method throws.</summary>
    public static readonly DiagnosticDescriptor OpThrows = new(
        id: "AOPS011",
        title: "An op method throws",
        messageFormat: "Op method '{0}' throws; an op reports failure by returning a negative errno (Errnos.Neg(Errno.EIO)), as in the kernel",
        category: DeclarationCategory,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "Kernel ops return 0, a count, or -errno, and their callers act on the value: swap writeback redirties the page on a failed write, swapon unwinds on a failed activate. An exception skips that handling.",
        helpLinkUri: HelpLinkBase + "AOPS011.md");

    /// <summary>AOPS013: an op method is a partial method with no implementation.</summary>
    public static readonly DiagnosticDescriptor PartialWithoutImplementation = new(
        id: "AOPS013",
        title: "An op method must have a body",
        messageFormat: "Op method '{0}' is a partial method with no implementing declaration; the compiler removes it, so it gets no slot in the table",
        category: DeclarationCategory,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "A partial void method that is declared but never implemented is removed by the compiler, calls and all; it has no address, so the generator leaves its op out of the table.",
        helpLinkUri: HelpLinkBase + "AOPS013.md");

    /// <summary>AOPS012: a table class declares a member the generator adds.</summary>
    public static readonly DiagnosticDescriptor GeneratedMemberClash = new(
        id: "AOPS012",
        title: "A table class declares a member the generator adds",
        messageFormat: "'{0}' declares '{1}', a name the generator adds to every table class; no table is generated for '{0}'",
        category: DeclarationCategory,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "The generator adds 'Operations' (the table) and 'StaticOps' (the compile-time dispatch struct) to each [AddressSpaceOperations] class. A class that already has a member of either name is skipped.",
        helpLinkUri: HelpLinkBase + "AOPS012.md");
}
