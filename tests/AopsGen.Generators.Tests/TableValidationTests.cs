using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Xunit;

namespace AopsGen.Generators.Tests;

/// <summary>
/// The shared checks give their whole verdict, so that the analyzers report it instead of asking again: every problem of
/// an op method at once, the reason a type cannot hold a table, and the methods that lose their slot to an earlier one.
/// </summary>
public sealed class TableValidationTests
{
    private const string Source = """
        using AopsGen;
        namespace N;
        [AddressSpaceOperations] public partial class Fs
        {
            [ReadPage] public int InstanceWrongSignature(Page page) => 0;
            [ReadPage] public int InstanceRightSignature(OpenFile file, Page page) => 0;
            [WritePage] public static partial int NoBody(Page page, WritebackControl wbc);
            [FreePage] public static void First(Page page) { }
            [FreePage] public static void Second(Page page) { }
        }
        [AddressSpaceOperations] public partial struct S { }
        [AddressSpaceOperations] public partial record class R { }
        public partial class Outer<T> { [AddressSpaceOperations] public partial class Inner { } }
        [AddressSpaceOperations] public partial class Generic<T> { }
        """;

    private static readonly Compilation Compilation = GeneratorHarness.CreateCompilation(GeneratorHarness.ParseAll(Source));

    [Theory]
    [InlineData("InstanceWrongSignature", (int)(MethodProblem.NotStatic | MethodProblem.WrongSignature))]
    [InlineData("InstanceRightSignature", (int)MethodProblem.NotStatic)]
    [InlineData("NoBody", (int)MethodProblem.NoImplementation)]
    [InlineData("First", (int)MethodProblem.None)]
    public void CheckMethod_returns_every_problem_of_the_method(string name, int problems)
    {
        var expected = (MethodProblem)problems;
        OpMethod opMethod = TableValidation.OpMethods(Type("N.Fs")).Single(m => m.Method.Name == name);

        Assert.Equal(expected, TableValidation.CheckMethod(opMethod.Method, opMethod.Op));
    }

    [Theory]
    [InlineData("N.Fs", null)]
    [InlineData("N.S", "it is a struct; declare it as a class")]
    [InlineData("N.R", "it is a record; declare it as a class")]
    [InlineData("N.Outer`1+Inner", "it is nested in generic type 'Outer<T>', and a table is one object per class")]
    [InlineData("N.Generic`1", "it is generic, and a table is one object per class")]
    public void UnsupportedKindReason_is_null_exactly_for_a_type_that_can_hold_a_table(string metadataName, string? reason)
    {
        INamedTypeSymbol type = Type(metadataName);

        Assert.Equal(reason, TableValidation.UnsupportedKindReason(type));
        Assert.Equal(reason is null ? TypeProblem.None : TypeProblem.NotSupportedKind, TableValidation.CheckType(type, TestContext.Current.CancellationToken));
    }

    [Fact]
    public void BoundOps_keeps_the_first_valid_method_and_hands_back_the_ones_it_dropped()
    {
        var duplicates = new List<OpMethod>();

        Dictionary<OpKind, OpMethod> bound = TableValidation.BoundOps(Type("N.Fs"), TestContext.Current.CancellationToken, duplicates);

        Assert.Equal(new[] { OpKind.FreePage }, bound.Keys);
        Assert.Equal("First", bound[OpKind.FreePage].Method.Name);
        Assert.Equal("Second", Assert.Single(duplicates).Method.Name);
    }

    private static INamedTypeSymbol Type(string metadataName)
        => Compilation.GetTypeByMetadataName(metadataName) ?? throw new KeyNotFoundException(metadataName);
}
