using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Xunit;
using Tracking = AopsGen.Generators.AddressSpaceOperationsGenerator.TrackingNames;

namespace AopsGen.Generators.Tests;

/// <summary>
/// The pipeline's models must hold plain values only: a symbol, syntax node, compilation, semantic model,
/// location or syntax tree in a model keeps a compilation alive and breaks caching (a new one every run).
/// Checked twice: statically over the model types' fields, and over the step outputs of a real run.
/// </summary>
public sealed class ModelPurityTests
{
    private static readonly Type[] Forbidden =
    {
        typeof(ISymbol), typeof(SyntaxNode), typeof(Compilation), typeof(SemanticModel), typeof(Location), typeof(SyntaxTree),
    };

    [Theory]
    [InlineData(typeof(TableModel))]
    [InlineData(typeof(TypeDeclarationModel))]
    [InlineData(typeof(OpBindingModel))]
    [InlineData(typeof(EquatableArray<OpBindingModel>))]
    [InlineData(typeof(EquatableArray<TypeDeclarationModel>))]
    public void Model_types_have_no_field_that_can_hold_a_compilation_object(Type modelType)
    {
        var problems = new List<string>();
        WalkType(modelType, modelType.Name, new HashSet<Type>(), problems);

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void The_walker_catches_a_forbidden_field()
    {
        var problems = new List<string>();
        WalkType(typeof(BadModel), nameof(BadModel), new HashSet<Type>(), problems);

        Assert.Equal(
            new[] { "BadModel.<Anything>k__BackingField", "BadModel.<Symbol>k__BackingField", "BadModel.<Trees>k__BackingField[]" },
            problems.Select(problem => problem.Split(' ')[0]).Distinct().OrderBy(path => path, StringComparer.Ordinal));
    }

    [Fact]
    public void Model_types_are_value_equatable_records()
    {
        Assert.True(typeof(IEquatable<TableModel>).IsAssignableFrom(typeof(TableModel)));
        Assert.True(typeof(TypeDeclarationModel).IsValueType && typeof(OpBindingModel).IsValueType);
        Assert.True(typeof(EquatableArray<OpBindingModel>).IsValueType);
    }

    [Fact]
    public void Step_outputs_of_a_real_run_hold_no_compilation_object()
    {
        GeneratorRun run = GeneratorHarness.Run(TestSources.AllOps, TestSources.FewOps, """
            using AopsGen;

            namespace Fs.Invalid;

            [AddressSpaceOperations]
            public class NotPartial { [ReadPage] public static int ReadPage(OpenFile file, Page page) => 0; }
            """);

        foreach (string name in new[] { Tracking.Parse, Tracking.Tables })
        {
            var outputs = run.Result.TrackedSteps[name].SelectMany(step => step.Outputs).Select(output => output.Value).ToArray();
            Assert.NotEmpty(outputs);
            var problems = new List<string>();
            var seen = new HashSet<object>(ReferenceEqualityComparer.Instance);
            foreach (object? value in outputs)
            {
                WalkValue(value, name, seen, problems);
            }
            Assert.True(problems.Count == 0, string.Join("\n", problems));
            Assert.Contains(outputs, value => value is TableModel);
        }
        Assert.All(run.Result.TrackedSteps[Tracking.Tables].SelectMany(s => s.Outputs), output => Assert.IsType<TableModel>(output.Value));
        Assert.Equal(2, run.GeneratedSources.Length); // nothing for the invalid class
    }

    /// <summary>Every instance field, recursively through field types, array elements and generic arguments.</summary>
    private static void WalkType(Type type, string path, HashSet<Type> seen, List<string> problems)
    {
        if (type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || !seen.Add(type))
        {
            return;
        }
        foreach (Type forbidden in Forbidden.Where(forbidden => type.IsAssignableFrom(forbidden) || forbidden.IsAssignableFrom(type)))
        {
            problems.Add($"{path} ({type}) can hold a {forbidden.Name}");
        }
        if (type.IsArray || type.IsByRef || type.IsPointer)
        {
            WalkType(type.GetElementType()!, path + "[]", seen, problems);
            return;
        }
        foreach (Type argument in type.IsGenericType ? type.GetGenericArguments() : Type.EmptyTypes)
        {
            WalkType(argument, $"{path}<{argument.Name}>", seen, problems);
        }
        foreach (FieldInfo field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
        {
            WalkType(field.FieldType, path + "." + field.Name, seen, problems);
        }
    }

    private static void WalkValue(object? value, string path, HashSet<object> seen, List<string> problems)
    {
        if (value is null || value is string || value.GetType().IsPrimitive || value.GetType().IsEnum || (!value.GetType().IsValueType && !seen.Add(value)))
        {
            return;
        }
        if (Forbidden.Any(forbidden => forbidden.IsInstanceOfType(value)))
        {
            problems.Add($"{path} holds a {value.GetType()}");
            return;
        }
        if (value is IEnumerable items)
        {
            int i = 0;
            foreach (object? item in items)
            {
                WalkValue(item, $"{path}[{i++}]", seen, problems);
            }
        }
        foreach (FieldInfo field in value.GetType().GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
        {
            WalkValue(field.GetValue(value), path + "." + field.Name, seen, problems);
        }
    }

    /// <summary>A model as it must not be: a symbol, an object (can hold anything), and a tree inside an array.</summary>
    private sealed record BadModel(ISymbol Symbol, object Anything, EquatableArray<OpBindingModel> Fine, SyntaxTree[] Trees);
}
