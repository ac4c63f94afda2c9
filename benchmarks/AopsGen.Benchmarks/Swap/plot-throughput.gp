# Pages/s against batch size, swap beside the raw O_DIRECT ceiling, one panel per filesystem, from the CSV report of
# SwapThroughputBenchmarks (SwapThroughputConfig writes plain numbers: no units, no digit grouping).
#
#   gnuplot -e "csv='BenchmarkDotNet.Artifacts/results/AopsGen.Benchmarks.Swap.SwapThroughputBenchmarks-report.csv'; out='throughput.svg'" \
#       benchmarks/AopsGen.Benchmarks/Swap/plot-throughput.gp
#
# Both variables default to those names, relative to the working directory. Needs gnuplot >= 5.4 (Debian:
# apt-get install -y gnuplot-nox) for columns by name.

if (!exists("csv")) csv = 'BenchmarkDotNet.Artifacts/results/AopsGen.Benchmarks.Swap.SwapThroughputBenchmarks-report.csv'
if (!exists("out")) out = 'throughput.svg'

set datafile separator comma
set datafile columnheaders
set terminal svg size 1500,520 dynamic enhanced font 'sans,12'
set output out

set logscale x 2
set logscale y 10
set xrange [0.8:40]
set xtics (1, 8, 32)
set xlabel 'pages per call (swap-in: 2^{page\_cluster})'
set ylabel 'pages/s (median)'
set grid
set key top left

# Each series (filesystem fs, method m) is first copied into a datablock of its own rows ("with table if"), then
# plotted sorted by batch (smooth unique).
filesystems = "HostFs BlockFs RamFs"
methods = "RawPwritev SwapOut RawPreadv SwapIn"
do for [fs in filesystems] {
    do for [m in methods] {
        eval sprintf('set table $%s_%s', fs, m)
        plot csv using (column("Batch")):(column("PagesPerSec")) with table if (strcol("Fs") eq fs && strcol("Method") eq m)
        unset table
    }
}
# The datablocks are gnuplot's own tables: blank-separated, no header.
set datafile separator whitespace
set datafile nocolumnheaders

set multiplot layout 1,3 title 'AopsGen swap throughput against the raw ceiling (same file, same batch, O_DIRECT; RamFs: memcpy)' noenhanced
do for [fs in filesystems] {
    set title fs
    eval sprintf('plot $%s_RawPwritev using 1:2 smooth unique with linespoints dt 2 lc rgb "#1f77b4" pt 6 title "raw pwritev", '.\
        '$%s_SwapOut using 1:2 smooth unique with linespoints lc rgb "#1f77b4" pt 7 title "swap-out", '.\
        '$%s_RawPreadv using 1:2 smooth unique with linespoints dt 2 lc rgb "#d62728" pt 4 title "raw preadv", '.\
        '$%s_SwapIn using 1:2 smooth unique with linespoints lc rgb "#d62728" pt 5 title "swap-in"', fs, fs, fs, fs)
}
unset multiplot
