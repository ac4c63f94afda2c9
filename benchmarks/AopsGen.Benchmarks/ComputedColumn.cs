using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace AopsGen.Benchmarks;

/// <summary>
/// A summary column with one figure per case computed from the summary (a ratio, a per-page figure): the
/// <see cref="IColumn"/> members such columns share, so each one says only its name, legend and <see cref="Value"/>.
/// </summary>
public abstract class ComputedColumn : IColumn
{
    protected ComputedColumn(string name, string legend, ColumnCategory category = ColumnCategory.Custom, int priority = 0, bool isNumeric = true)
    {
        ColumnName = name;
        Legend = legend;
        Category = category;
        PriorityInCategory = priority;
        IsNumeric = isNumeric;
    }

    public string Id => GetType().Name + "." + ColumnName;

    public string ColumnName { get; }

    public string Legend { get; }

    public ColumnCategory Category { get; }

    public int PriorityInCategory { get; }

    public bool IsNumeric { get; }

    public bool AlwaysShow => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public virtual bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => Value(summary, benchmarkCase);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => Value(summary, benchmarkCase);

    /// <summary>The case's figure as text, or "?" when its report lacks what it needs.</summary>
    protected abstract string Value(Summary summary, BenchmarkCase benchmarkCase);

    public override string ToString() => ColumnName;
}
