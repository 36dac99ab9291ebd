using System.Globalization;
using ScottPlot;

namespace Personalization.Benchmarks.Load;

/// <summary>The <c>load</c> command's chart: throughput and p99 latency per system, side by side (ScottPlot PNG).</summary>
internal static class LoadChart
{
    private static readonly Color[] s_colors = [Color.FromHex("#2E7D32"), Color.FromHex("#1565C0"), Color.FromHex("#C62828")];

    public static void Write(string path, LoadReport report)
    {
        var multiplot = new Multiplot();
        multiplot.AddPlots(2);
        Panel(multiplot.GetPlot(0), report, "events_per_second", "Max sustained throughput (closed loop)", "events/s",
            value => value.ToString("N0", CultureInfo.InvariantCulture));
        Panel(multiplot.GetPlot(1), report, "p99_ms", "p99 ingest → trigger decision at 50% load", "ms",
            value => value.ToString("N2", CultureInfo.InvariantCulture));
        multiplot.Layout = new ScottPlot.MultiplotLayouts.Columns();
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        multiplot.SavePng(path, 1200, 500);
    }

    private static void Panel(Plot plot, LoadReport report, string figure, string title, string unit, Func<double, string> format)
    {
        var bars = new List<Bar>();
        var ticks = new List<Tick>();
        for (var i = 0; i < LoadOptions.AllSystems.Count; i++)
        {
            var system = LoadOptions.AllSystems[i];
            var value = report.Figure(system, figure);
            ticks.Add(new Tick(i, system));
            bars.Add(new Bar
            {
                Position = i,
                Value = value ?? 0,
                FillColor = s_colors[i],
                Label = value is { } v ? format(v) : "skipped",
            });
        }

        var plottable = plot.Add.Bars(bars);
        plottable.ValueLabelStyle.FontSize = 14;
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual([.. ticks]);
        plot.Axes.Bottom.MajorTickStyle.Length = 0;
        plot.Axes.Margins(bottom: 0, top: 0.15);
        plot.Title(title);
        plot.YLabel(unit);
        plot.HideGrid();
    }
}
