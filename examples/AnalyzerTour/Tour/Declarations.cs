using System;
using AopsGen;

namespace AnalyzerTour;

/// <summary>AOPS001: the table class is not partial, so the generator cannot add its table.</summary>
[AddressSpaceOperations("not_partial_aops")]
public static class NotPartialFs // AOPS001
{
    /// <summary>readpage.</summary>
    [ReadPage]
    public static int ReadPage(OpenFile file, Page page) => 0;
}

/// <summary>AOPS002: an op method that is not static has no address to put in the table.</summary>
[AddressSpaceOperations("instance_aops")]
public sealed partial class InstanceFs
{
    /// <summary>readpage, as an instance method.</summary>
    [ReadPage]
    public int ReadPage(OpenFile file, Page page) => 0; // AOPS002
}

/// <summary>AOPS003: direct_IO returns ssize_t, which is long in C#, not int.</summary>
[AddressSpaceOperations("wrong_signature_aops")]
public static partial class WrongSignatureFs
{
    /// <summary>direct_IO with the wrong return type.</summary>
    [DirectIO]
    public static int DirectIO(Rw rw, Kiocb iocb, ReadOnlySpan<IoVec> iov, long offset) => 0; // AOPS003
}

/// <summary>AOPS004: two methods claim the readpage slot; the table keeps the first.</summary>
[AddressSpaceOperations("twice_aops")]
public static partial class TwiceFs
{
    /// <summary>readpage: the one the table uses.</summary>
    [ReadPage]
    public static int ReadPage(OpenFile file, Page page) => 0;

    /// <summary>readpage again: dead code that looks live.</summary>
    [ReadPage]
    public static int ReadPageAgain(OpenFile file, Page page) => 0; // AOPS004
}

/// <summary>AOPS009: op attributes in a class without [AddressSpaceOperations] are never read.</summary>
public static class ForgottenFs
{
    /// <summary>readpage, in no table.</summary>
    [ReadPage] // AOPS009
    public static int ReadPage(OpenFile file, Page page) => 0;
}

/// <summary>AOPS010: a generic class would need one table per instantiation.</summary>
/// <typeparam name="TCache">A cache type.</typeparam>
[AddressSpaceOperations("generic_aops")]
public static partial class GenericFs<TCache> // AOPS010
{
    /// <summary>readpage.</summary>
    [ReadPage]
    public static int ReadPage(OpenFile file, Page page) => 0;
}

/// <summary>AOPS012: the class declares a member named as the generated table.</summary>
[AddressSpaceOperations("clash_aops")]
public static partial class ClashFs
{
    /// <summary>A member that takes the generated table's name.</summary>
    public static int Operations => 0; // AOPS012

    /// <summary>readpage.</summary>
    [ReadPage]
    public static int ReadPage(OpenFile file, Page page) => 0;
}

/// <summary>AOPS013: a partial op method that is never implemented is removed by the compiler, and has no address.</summary>
[AddressSpaceOperations("bodiless_aops")]
public static partial class BodilessFs
{
    /// <summary>readpage.</summary>
    [ReadPage]
    public static int ReadPage(OpenFile file, Page page) => 0;

    /// <summary>freepage, declared and never implemented.</summary>
    [FreePage]
    static partial void FreePage(Page page); // AOPS013
}
