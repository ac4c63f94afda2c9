namespace AopsGen;

/// <summary>
/// Marks a method that must not allocate managed memory, because it runs where memory is short: swap-out
/// is how the kernel frees memory, so the path that writes a page to swap cannot itself wait for memory
/// (mm/page_io.c allocates its bios with GFP_NOIO from a mempool for the same reason). The AOPS008 analyzer
/// reports every allocation in such a method: <c>new</c> of a class or an array, boxing, a capturing lambda,
/// string concatenation or interpolation, a <c>params</c> array, a LINQ call. The write, dirty and read ops
/// of a table that has <see cref="SwapActivateAttribute"/> are checked without this attribute; put it on
/// the helpers they call.
/// </summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Constructor, AllowMultiple = false, Inherited = false)]
public sealed class NoAllocAttribute : Attribute
{
}
