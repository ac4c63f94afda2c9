using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace AopsGen.Generators;

/// <summary>The ops of <c>AopsGen.AddressSpaceOperations</c>, in table order (the runtime's <c>AddressSpaceOp</c>).</summary>
internal enum OpKind
{
    WritePage = 0,
    ReadPage = 1,
    WritePages = 2,
    SetPageDirty = 3,
    ReadPages = 4,
    WriteBegin = 5,
    WriteEnd = 6,
    Bmap = 7,
    InvalidatePage = 8,
    ReleasePage = 9,
    FreePage = 10,
    DirectIO = 11,
    MigratePage = 12,
    LaunderPage = 13,
    IsPartiallyUptodate = 14,
    ErrorRemovePage = 15,
    SwapActivate = 16,
    SwapDeactivate = 17,
    SyncPage = 18,
    SwapRw = 19,
}

/// <summary>
/// The one source of truth for what an op method must look like: its attribute, its C# signature (the
/// Linux 3.6 prototype in C# form, docs/ops.md), and the parameter of the table's constructor that takes
/// it. The generator emits from it and the analyzers check against it.
/// </summary>
internal static class OpCatalog
{
    /// <summary>Metadata name of the class attribute.</summary>
    public const string ClassAttributeMetadataName = "AopsGen.AddressSpaceOperationsAttribute";

    /// <summary>Every op, indexed by <see cref="OpKind"/>.</summary>
    public static readonly ImmutableArray<OpDescriptor> All = ImmutableArray.Create(
        new OpDescriptor(OpKind.WritePage, "writepage", "int", "writePage",
            new OpParameter(RefKind.None, "global::AopsGen.Page", "page"),
            new OpParameter(RefKind.None, "global::AopsGen.WritebackControl", "wbc")),
        new OpDescriptor(OpKind.ReadPage, "readpage", "int", "readPage",
            new OpParameter(RefKind.None, "global::AopsGen.OpenFile", "file"),
            new OpParameter(RefKind.None, "global::AopsGen.Page", "page")),
        new OpDescriptor(OpKind.WritePages, "writepages", "int", "writePages",
            new OpParameter(RefKind.None, "global::AopsGen.AddressSpace", "mapping"),
            new OpParameter(RefKind.None, "global::AopsGen.WritebackControl", "wbc")),
        new OpDescriptor(OpKind.SetPageDirty, "set_page_dirty", "bool", "setPageDirty",
            new OpParameter(RefKind.None, "global::AopsGen.Page", "page")),
        new OpDescriptor(OpKind.ReadPages, "readpages", "int", "readPages",
            new OpParameter(RefKind.None, "global::AopsGen.OpenFile", "file"),
            new OpParameter(RefKind.None, "global::AopsGen.AddressSpace", "mapping"),
            new OpParameter(RefKind.None, "global::System.ReadOnlySpan<global::AopsGen.Page>", "pages")),
        new OpDescriptor(OpKind.WriteBegin, "write_begin", "int", "writeBegin",
            new OpParameter(RefKind.None, "global::AopsGen.OpenFile", "file"),
            new OpParameter(RefKind.None, "global::AopsGen.AddressSpace", "mapping"),
            new OpParameter(RefKind.None, "long", "pos"),
            new OpParameter(RefKind.None, "uint", "len"),
            new OpParameter(RefKind.None, "uint", "flags"),
            new OpParameter(RefKind.Out, "global::AopsGen.Page?", "page"),
            new OpParameter(RefKind.Out, "object?", "fsData")),
        new OpDescriptor(OpKind.WriteEnd, "write_end", "int", "writeEnd",
            new OpParameter(RefKind.None, "global::AopsGen.OpenFile", "file"),
            new OpParameter(RefKind.None, "global::AopsGen.AddressSpace", "mapping"),
            new OpParameter(RefKind.None, "long", "pos"),
            new OpParameter(RefKind.None, "uint", "len"),
            new OpParameter(RefKind.None, "uint", "copied"),
            new OpParameter(RefKind.None, "global::AopsGen.Page", "page"),
            new OpParameter(RefKind.None, "object?", "fsData")),
        new OpDescriptor(OpKind.Bmap, "bmap", "ulong", "bmap",
            new OpParameter(RefKind.None, "global::AopsGen.AddressSpace", "mapping"),
            new OpParameter(RefKind.None, "ulong", "block")),
        new OpDescriptor(OpKind.InvalidatePage, "invalidatepage", "void", "invalidatePage",
            new OpParameter(RefKind.None, "global::AopsGen.Page", "page"),
            new OpParameter(RefKind.None, "ulong", "offset")),
        new OpDescriptor(OpKind.ReleasePage, "releasepage", "bool", "releasePage",
            new OpParameter(RefKind.None, "global::AopsGen.Page", "page"),
            new OpParameter(RefKind.None, "global::AopsGen.GfpFlags", "gfp")),
        new OpDescriptor(OpKind.FreePage, "freepage", "void", "freePage",
            new OpParameter(RefKind.None, "global::AopsGen.Page", "page")),
        new OpDescriptor(OpKind.DirectIO, "direct_IO", "long", "directIO",
            new OpParameter(RefKind.None, "global::AopsGen.Rw", "rw"),
            new OpParameter(RefKind.None, "global::AopsGen.Kiocb", "iocb"),
            new OpParameter(RefKind.None, "global::System.ReadOnlySpan<global::AopsGen.IoVec>", "iov"),
            new OpParameter(RefKind.None, "long", "offset")),
        new OpDescriptor(OpKind.MigratePage, "migratepage", "int", "migratePage",
            new OpParameter(RefKind.None, "global::AopsGen.AddressSpace", "mapping"),
            new OpParameter(RefKind.None, "global::AopsGen.Page", "newPage"),
            new OpParameter(RefKind.None, "global::AopsGen.Page", "page"),
            new OpParameter(RefKind.None, "global::AopsGen.MigrateMode", "mode")),
        new OpDescriptor(OpKind.LaunderPage, "launder_page", "int", "launderPage",
            new OpParameter(RefKind.None, "global::AopsGen.Page", "page")),
        new OpDescriptor(OpKind.IsPartiallyUptodate, "is_partially_uptodate", "bool", "isPartiallyUptodate",
            new OpParameter(RefKind.None, "global::AopsGen.Page", "page"),
            new OpParameter(RefKind.None, "ulong", "from"),
            new OpParameter(RefKind.None, "ulong", "count")),
        new OpDescriptor(OpKind.ErrorRemovePage, "error_remove_page", "int", "errorRemovePage",
            new OpParameter(RefKind.None, "global::AopsGen.AddressSpace", "mapping"),
            new OpParameter(RefKind.None, "global::AopsGen.Page", "page")),
        new OpDescriptor(OpKind.SwapActivate, "swap_activate", "int", "swapActivate",
            new OpParameter(RefKind.None, "global::AopsGen.SwapInfo", "sis"),
            new OpParameter(RefKind.None, "global::AopsGen.OpenFile", "file"),
            new OpParameter(RefKind.Out, "ulong", "span")),
        new OpDescriptor(OpKind.SwapDeactivate, "swap_deactivate", "void", "swapDeactivate",
            new OpParameter(RefKind.None, "global::AopsGen.OpenFile", "file")),
        new OpDescriptor(OpKind.SyncPage, "sync_page", "void", "syncPage",
            new OpParameter(RefKind.None, "global::AopsGen.Page", "page")),
        new OpDescriptor(OpKind.SwapRw, "swap_rw", "int", "swapRw",
            new OpParameter(RefKind.None, "global::AopsGen.Kiocb", "iocb"),
            new OpParameter(RefKind.None, "global::AopsGen.IovIter", "iter")));

    /// <summary>
    /// Whether the swap core calls this op to move a page between memory and a swap file (SWP_FILE: writepage,
    /// set_page_dirty, direct_IO, readpage; 5.19+: swap_rw) of a table that has swap_activate. Swap-out runs when
    /// memory is short, so these must not allocate (AOPS008).
    /// </summary>
    public static bool IsOnSwapPath(OpKind kind)
        => kind is OpKind.SetPageDirty or OpKind.DirectIO or OpKind.SwapRw or OpKind.WritePage or OpKind.ReadPage;

    /// <summary>Every op by its attribute's metadata name without the namespace (<c>DirectIOAttribute</c>).</summary>
    private static readonly Dictionary<string, OpDescriptor> ByAttributeName = All.ToDictionary(op => op.Name + "Attribute", StringComparer.Ordinal);

    /// <summary>The op whose attribute has the metadata name <paramref name="attributeMetadataName"/>, if any.</summary>
    public static OpDescriptor? FindByAttribute(string attributeMetadataName)
        => attributeMetadataName.StartsWith("AopsGen.", StringComparison.Ordinal)
            ? FindByAttributeName(attributeMetadataName.Substring("AopsGen.".Length))
            : null;

    /// <summary>The op whose attribute is named <paramref name="attributeName"/> (<c>DirectIOAttribute</c>) in namespace AopsGen, if any.</summary>
    public static OpDescriptor? FindByAttributeName(string attributeName)
        => ByAttributeName.TryGetValue(attributeName, out OpDescriptor? op) ? op : null;
}
