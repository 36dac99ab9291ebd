using Microsoft.Extensions.Time.Testing;
using Personalization.Ingest;
using static Personalization.Tests.IngestChecks.IngestTestKit;

namespace Personalization.Tests.IngestChecks;

/// <summary>Future timestamps, against the pipeline's clock.</summary>
public class FutureTimestampTests
{
    [TestCase("2019-10-02T23:59:59Z", true, TestName = "Just under a day ahead is accepted")]
    [TestCase("2019-10-03T00:00:00Z", true, TestName = "Exactly a day ahead is accepted")]
    [TestCase("2019-10-03T00:00:00.001Z", false, TestName = "A millisecond over a day ahead is rejected")]
    [TestCase("2999-01-01T00:00:00Z", false, TestName = "Year 2999 is rejected")]
    public void An_event_more_than_a_day_ahead_of_the_clock_is_rejected(string timestamp, bool accepted)
    {
        var result = Validator().Parse(Utf8(GoodWith("2019-10-01T00:00:00Z", timestamp)));

        Assert.That(result.Success, Is.EqualTo(accepted), result.ToString());
        if (!accepted)
        {
            Assert.That(result.ReasonCode, Is.EqualTo(IngestReasons.FutureTimestamp));
            Assert.That(result.Message, Does.Contain("clock"));
        }
    }

    [Test]
    public void The_check_follows_the_clock_as_it_moves()
    {
        var time = new FakeTimeProvider(Now);
        var validator = Validator(time: time);
        var json = Utf8(GoodWith("2019-10-01T00:00:00Z", "2019-10-05T00:00:00Z"));

        var before = validator.Parse(json);
        time.Advance(TimeSpan.FromDays(2));
        var after = validator.Parse(json);

        Assert.That(before.ReasonCode, Is.EqualTo(IngestReasons.FutureTimestamp));
        Assert.That(after.Success, Is.True, after.ToString());
    }

    [Test]
    public void The_skew_is_configurable_and_null_turns_the_check_off()
    {
        var json = Utf8(GoodWith("2019-10-01T00:00:00Z", "2019-10-02T02:00:00Z"));

        var strict = Validator(o => o.MaxFutureSkew = TimeSpan.FromHours(1)).Parse(json);
        var off = Validator(o => o.MaxFutureSkew = null).Parse(Utf8(GoodWith("2019-10-01T00:00:00Z", "2999-01-01T00:00:00Z")));

        Assert.That(strict.ReasonCode, Is.EqualTo(IngestReasons.FutureTimestamp));
        Assert.That(off.Success, Is.True, off.ToString());
    }
}
