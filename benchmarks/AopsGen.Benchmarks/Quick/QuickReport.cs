using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text.Json;

namespace AopsGen.Benchmarks.Quick;

/// <summary>
/// The figures of one <c>--quick</c> run: each a ratio or figure measured in this run, with its unit and a line
/// saying what it is. <see cref="WriteJson"/> prints them as one JSON object (keys as added, values as numbers);
/// <see cref="WriteText"/> as a table with the descriptions. Groups add their figures as they finish.
/// </summary>
public sealed class QuickReport
{
    private readonly List<Figure> _figures = new();
    private readonly List<string> _notes = new();

    /// <summary>One measured value.</summary>
    public readonly record struct Figure(string Key, double Value, string Unit, string What);

    public IReadOnlyList<Figure> Figures => _figures;

    public IReadOnlyList<string> Notes => _notes;

    /// <summary>Adds a figure; a key may be added once.</summary>
    public void Add(string key, double value, string unit, string what)
    {
        if (_figures.Exists(f => f.Key == key))
        {
            throw new InvalidOperationException($"quick report: '{key}' added twice.");
        }
        _figures.Add(new Figure(key, value, unit, what));
    }

    /// <summary>A line of context (the machine, a skipped group and why), printed with the figures.</summary>
    public void Note(string text) => _notes.Add(text);

    /// <summary>Whether a figure <paramref name="key"/> was added.</summary>
    public bool Has(string key) => _figures.Exists(f => f.Key == key);

    public double this[string key] => _figures.Find(f => f.Key == key) is { Key: not null } f
        ? f.Value
        : throw new KeyNotFoundException($"quick report: no figure '{key}'.");

    /// <summary>One JSON object: every figure as <c>"key": number</c> (NaN and infinities as null), and
    /// <c>"notes"</c> as an array of strings.</summary>
    public void WriteJson(Stream output)
    {
        using var json = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        foreach (Figure figure in _figures)
        {
            if (double.IsFinite(figure.Value))
            {
                json.WriteNumber(figure.Key, Math.Round(figure.Value, 4));
            }
            else
            {
                json.WriteNull(figure.Key);
            }
        }
        json.WriteStartArray("notes");
        foreach (string note in _notes)
        {
            json.WriteStringValue(note);
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    /// <summary>The figures as an aligned table, one line each: key, value, unit, what it is.</summary>
    public void WriteText(TextWriter output)
    {
        int width = 0;
        foreach (Figure figure in _figures)
        {
            width = Math.Max(width, figure.Key.Length);
        }
        foreach (Figure figure in _figures)
        {
            string value = figure.Value.ToString("0.####", CultureInfo.InvariantCulture);
            output.WriteLine($"{figure.Key.PadRight(width)}  {value,12} {figure.Unit,-8} {figure.What}");
        }
        foreach (string note in _notes)
        {
            output.WriteLine("note: " + note);
        }
    }
}
