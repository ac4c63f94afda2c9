using System.Linq;
using Xunit;

namespace AopsGen.Tests;

public sealed class ErrnoTests
{
    [Theory]
    [InlineData(Errno.EPERM, 1)]
    [InlineData(Errno.ENOENT, 2)]
    [InlineData(Errno.EINTR, 4)]
    [InlineData(Errno.EIO, 5)]
    [InlineData(Errno.ENXIO, 6)]
    [InlineData(Errno.EBADF, 9)]
    [InlineData(Errno.EAGAIN, 11)]
    [InlineData(Errno.ENOMEM, 12)]
    [InlineData(Errno.EACCES, 13)]
    [InlineData(Errno.EFAULT, 14)]
    [InlineData(Errno.ENOTBLK, 15)]
    [InlineData(Errno.EBUSY, 16)]
    [InlineData(Errno.EEXIST, 17)]
    [InlineData(Errno.ENODEV, 19)]
    [InlineData(Errno.EISDIR, 21)]
    [InlineData(Errno.EINVAL, 22)]
    [InlineData(Errno.EMFILE, 24)]
    [InlineData(Errno.ETXTBSY, 26)]
    [InlineData(Errno.EFBIG, 27)]
    [InlineData(Errno.ENOSPC, 28)]
    [InlineData(Errno.EROFS, 30)]
    [InlineData(Errno.ERANGE, 34)]
    [InlineData(Errno.ENOSYS, 38)]
    [InlineData(Errno.ELOOP, 40)]
    [InlineData(Errno.EOPNOTSUPP, 95)]
    [InlineData(Errno.ETIMEDOUT, 110)]
    [InlineData(Errno.ESTALE, 116)]
    [InlineData(Errno.ENOTSUPP, 524)]
    [InlineData(Errno.EIOCBQUEUED, 529)]
    public void Errno_numbers_match_linux(Errno errno, int number)
    {
        Assert.Equal(number, (int)errno);
    }

    [Fact]
    public void Errno_numbers_are_distinct()
    {
        int[] values = Enum.GetValues<Errno>().Select(e => (int)e).ToArray();
        Assert.Equal(values.Length, values.Distinct().Count());
    }

    [Fact]
    public void Neg_gives_the_kernels_negative_return_value()
    {
        Assert.Equal(-22, Errnos.Neg(Errno.EINVAL));
        Assert.Equal(-16, Errnos.Neg(Errno.EBUSY));
        Assert.Equal(-529, Errnos.Neg(Errno.EIOCBQUEUED));
    }

    [Theory]
    [InlineData(-1L, true)]
    [InlineData(-22L, true)]
    [InlineData(-4095L, true)]
    [InlineData(-4096L, false)]
    [InlineData(0L, false)]
    [InlineData(1L, false)]
    [InlineData(4096L, false)]
    [InlineData(long.MinValue, false)]
    public void IsError_is_true_only_for_minus_1_to_minus_4095(long ret, bool isError)
    {
        Assert.Equal(isError, Errnos.IsError(ret));
    }

    [Fact]
    public void FromReturn_gives_the_errno_of_a_negative_return()
    {
        Assert.Equal(Errno.EINVAL, Errnos.FromReturn(-22));
        Assert.Equal(Errno.ENOSPC, Errnos.FromReturn(Errnos.Neg(Errno.ENOSPC)));
        Assert.Equal(Errno.EPERM, Errnos.FromReturn(-1));
    }

    [Fact]
    public void FromReturn_round_trips_every_errno()
    {
        foreach (Errno errno in Enum.GetValues<Errno>())
        {
            Assert.Equal(errno, Errnos.FromReturn(Errnos.Neg(errno)));
        }
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(4096L)]
    [InlineData(-4096L)]
    public void FromReturn_of_a_non_error_throws(long ret)
    {
        ArgumentOutOfRangeException ex = Assert.Throws<ArgumentOutOfRangeException>(() => Errnos.FromReturn(ret));
        Assert.Equal("ret", ex.ParamName);
    }

    [Theory]
    [InlineData(Errno.EPERM, "Operation not permitted")]
    [InlineData(Errno.ENOENT, "No such file or directory")]
    [InlineData(Errno.EIO, "Input/output error")]
    [InlineData(Errno.ENOMEM, "Cannot allocate memory")]
    [InlineData(Errno.EBUSY, "Device or resource busy")]
    [InlineData(Errno.EEXIST, "File exists")]
    [InlineData(Errno.EINVAL, "Invalid argument")]
    [InlineData(Errno.ETXTBSY, "Text file busy")]
    [InlineData(Errno.ENOSPC, "No space left on device")]
    [InlineData(Errno.EROFS, "Read-only file system")]
    [InlineData(Errno.ENOSYS, "Function not implemented")]
    [InlineData(Errno.EOPNOTSUPP, "Operation not supported")]
    [InlineData(Errno.ESTALE, "Stale file handle")]
    public void Message_is_the_glibc_strerror_text(Errno errno, string message)
    {
        Assert.Equal(message, errno.Message());
    }

    [Fact]
    public void Every_errno_has_its_own_message()
    {
        Errno[] all = Enum.GetValues<Errno>();
        string[] messages = all.Select(e => e.Message()).ToArray();
        Assert.DoesNotContain(messages, m => m.StartsWith("Unknown error", StringComparison.Ordinal));
        Assert.Equal(all.Length, messages.Distinct().Count());
    }

    [Fact]
    public void Message_of_an_unknown_number_says_so()
    {
        Assert.Equal("Unknown error 1234", ((Errno)1234).Message());
    }
}
