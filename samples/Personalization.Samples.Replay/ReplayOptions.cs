using System.Globalization;
using Personalization.Pipeline;

namespace Personalization.Samples.Replay;

/// <summary>The command line of the replay sample.</summary>
internal sealed partial class ReplayOptions
{
    public const string Usage = """
        Replays shop traffic through the whole Personalization pipeline and reports throughput and latency.

        Usage: dotnet run -c Release --project samples/Personalization.Samples.Replay -- [options]

        Without --input it generates seeded, realistic shop traffic (views, cart adds and removes, checkouts,
        orders, page views, anonymous visitors who later identify).

          --input PATH           replay a file instead: .jsonl (Segment JSON Lines) or .csv (REES46 e-commerce CSV)
          --events N             events to generate (default 1,000,000)
          --users U              users to generate traffic for (default 100,000)
          --seed S               seed of the generator (default 42)
          --days D               days of event time the generated traffic spans (default 7)
          --store DIR            keep the pipeline's data directory in DIR and reuse it (default: a fresh temporary
                                 directory, deleted at the end)
          --fresh                empty the --store directory first
          --shards N             enrich/trigger shards (default: the number of processors)
          --batch N              events per ingest call (default 512)
          --capacity N           events each pipeline stage's queue holds (default 1,024; short queues keep the
                                 latency of a replay that runs flat out low)
          --json                 print one JSON object with the results on stdout (progress stays on stderr)
          --dump-profiles PATH   write every profile as one JSON object per line to PATH, sorted by user id
          --dump-timers PATH     write every pending trigger instance as one JSON object per line to PATH, sorted by
                                 trigger, user id and instance key (with --keep-timers: what a store still has to fire)
          --cart-delay TIMESPAN  cart abandonment delay, as hh:mm:ss or d.hh:mm:ss (default 01:00:00)
          --dump-sends PATH      write every send decision (SendIntent) as one JSON object per line to PATH
          --dead-letters PATH    at the end, write the store's dead letters (rejected events, failed sends) to PATH,
                                 one JSON object per line with kind, reason, message, raw and at
          --outbox DIR           write each email as an .eml file into DIR (default: personalization-replay-outbox
                                 in the temp directory); the .eml files already there are deleted first
          --smtp HOST:PORT       send the emails through this SMTP server instead (STARTTLS when it offers it)
          --email-domain DOMAIN  send to <user_id>@DOMAIN when a user has no email trait (exports without
                                 addresses); without it such users are skipped with reason no_address
          --store-mib N          the store's memory budget in MiB, a power of two of at least 16 (default 256)
          --no-triggers          run without the built-in triggers (to measure what they cost)
          --no-delivery          run the triggers but send no emails (to measure what delivery costs)
          --frequency-cap N/24h  at most N emails per user per rolling window across all triggers (default: off)
          --quiet-hours 22-08    defer sends in these local hours (trait timezone, else UTC) to their end (default: off)
          --durability MODE      none, group or per-event: when an accepted event is safe from a crash (default group:
                                 acknowledged after a group commit of the ingest log)
          --checkpoint-interval TIMESPAN
                                 how often the store takes a consistent checkpoint (default 00:00:10; 0 turns periodic
                                 checkpoints off; otherwise between 00:00:01 and 1.00:00:00)
          --keep-timers          end with a flush instead of completing the replay: pending trigger instances stay
                                 pending (to compare two stores; rerun with the same --store to go on after a crash)
          --verbose              also show the pipeline's information and debug messages (start, recovery, checkpoints)
          --help                 show this help
        """;

    public string? Input { get; private set; }

    public long Events { get; private set; } = 1_000_000;

    public int Users { get; private set; } = 100_000;

    public int Seed { get; private set; } = 42;

    public int Days { get; private set; } = 7;

    public string? Store { get; private set; }

    public bool Fresh { get; private set; }

    public int Shards { get; private set; } = Environment.ProcessorCount;

    public int BatchSize { get; private set; } = 512;

    public int Capacity { get; private set; } = 1024;

    public bool Json { get; private set; }

    public string? DumpProfiles { get; private set; }

    public string? DumpSends { get; private set; }

    public TimeSpan CartDelay { get; private set; } = TimeSpan.FromHours(1);

    public bool NoTriggers { get; private set; }

    public bool NoDelivery { get; private set; }

    public long StoreMib { get; private set; } = 256;

    public int? FrequencyCap { get; private set; }

    public TimeSpan FrequencyWindow { get; private set; } = TimeSpan.FromHours(24);

    public TimeOnly? QuietStart { get; private set; }

    public TimeOnly? QuietEnd { get; private set; }

    public string Outbox { get; private set; } = Path.Combine(Path.GetTempPath(), "personalization-replay-outbox");

    public string? SmtpHost { get; private set; }

    public int SmtpPort { get; private set; }

    public string? EmailDomain { get; private set; }

    public DurabilityMode Durability { get; private set; } = DurabilityMode.GroupCommit;

    public TimeSpan CheckpointInterval { get; private set; } = TimeSpan.FromSeconds(10);

    public bool KeepTimers { get; private set; }

    public string? DumpTimers { get; private set; }

    public bool Verbose { get; private set; }

    public bool Help { get; private set; }

    /// <summary>Parses <paramref name="args"/>; on failure <paramref name="error"/> says what is wrong in one line.</summary>
    public static bool TryParse(string[] args, out ReplayOptions options, out string error)
    {
        options = new ReplayOptions();
        var generatorOption = (string?)null;
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            string? inlineValue = null;
            var equals = name.IndexOf('=', StringComparison.Ordinal);
            if (name.StartsWith("--", StringComparison.Ordinal) && equals > 0)
            {
                inlineValue = name[(equals + 1)..];
                name = name[..equals];
            }

            switch (name)
            {
                case "--help" or "-h" or "-?":
                    options.Help = true;
                    break;
                case "--json":
                    options.Json = true;
                    break;
                case "--fresh":
                    options.Fresh = true;
                    break;
                case "--no-triggers":
                    options.NoTriggers = true;
                    break;
                case "--no-delivery":
                    options.NoDelivery = true;
                    break;
                case "--keep-timers":
                    options.KeepTimers = true;
                    break;
                case "--verbose":
                    options.Verbose = true;
                    break;
                case "--durability":
                    if (!TryValue(args, ref i, name, inlineValue, out var durability, out error) || !TryDurability(options, durability, out error))
                    {
                        return false;
                    }

                    break;
                case "--checkpoint-interval":
                    if (!TryValue(args, ref i, name, inlineValue, out var interval, out error) || !TryCheckpointInterval(options, interval, out error))
                    {
                        return false;
                    }

                    break;
                case "--cart-delay":
                    if (!TryValue(args, ref i, name, inlineValue, out var delay, out error))
                    {
                        return false;
                    }

                    if (!TimeSpan.TryParse(delay, CultureInfo.InvariantCulture, out var cartDelay) || cartDelay < TimeSpan.Zero)
                    {
                        error = $"--cart-delay must be a positive time span such as 01:00:00; it is '{delay}'.";
                        return false;
                    }

                    options.CartDelay = cartDelay;
                    break;
                case "--frequency-cap":
                    if (!TryValue(args, ref i, name, inlineValue, out var cap, out error) || !TryCap(options, cap, out error))
                    {
                        return false;
                    }

                    break;
                case "--quiet-hours":
                    if (!TryValue(args, ref i, name, inlineValue, out var hours, out error) || !TryQuietHours(options, hours, out error))
                    {
                        return false;
                    }

                    break;
                case "--smtp":
                    if (!TryValue(args, ref i, name, inlineValue, out var smtp, out error) || !TrySmtp(options, smtp, out error))
                    {
                        return false;
                    }

                    break;
                case "--email-domain":
                    if (!TryValue(args, ref i, name, inlineValue, out var domain, out error))
                    {
                        return false;
                    }

                    if (domain.Contains('@', StringComparison.Ordinal) || domain.Any(char.IsWhiteSpace) || !domain.Contains('.', StringComparison.Ordinal))
                    {
                        error = $"--email-domain must be a domain such as example.com; it is '{domain}'.";
                        return false;
                    }

                    options.EmailDomain = domain;
                    break;
                case "--outbox":
                    if (!TryValue(args, ref i, name, inlineValue, out var outbox, out error))
                    {
                        return false;
                    }

                    options.Outbox = outbox;
                    break;
                case "--input":
                case "--store":
                case "--dump-profiles":
                case "--dump-sends":
                case "--dump-timers":
                case "--dead-letters":
                    if (!TryValue(args, ref i, name, inlineValue, out var text, out error))
                    {
                        return false;
                    }

                    if (name == "--input") { options.Input = text; }
                    else if (name == "--store") { options.Store = text; }
                    else if (name == "--dump-sends") { options.DumpSends = text; }
                    else if (name == "--dump-timers") { options.DumpTimers = text; }
                    else if (name == "--dead-letters") { options.DeadLetters = text; }
                    else { options.DumpProfiles = text; }
                    break;
                case "--events":
                case "--users":
                case "--seed":
                case "--days":
                case "--shards":
                case "--batch":
                case "--capacity":
                case "--store-mib":
                    if (!TryValue(args, ref i, name, inlineValue, out var number, out error)
                        || !TryNumber(name, number, out var value, out error))
                    {
                        return false;
                    }

                    if (!TrySet(options, name, value, out error))
                    {
                        return false;
                    }

                    if (name is "--events" or "--users" or "--seed" or "--days")
                    {
                        generatorOption = name;
                    }

                    break;
                default:
                    error = $"unknown option '{args[i]}'; see --help.";
                    return false;
            }
        }

        if (options.Input is not null && generatorOption is not null)
        {
            error = $"{generatorOption} sets up generated traffic and cannot be combined with --input.";
            return false;
        }

        error = string.Empty;
        return true;
    }

    private static bool TryValue(string[] args, ref int i, string name, string? inlineValue, out string value, out string error)
    {
        if (inlineValue is null && i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
        {
            inlineValue = args[++i];
        }

        if (string.IsNullOrWhiteSpace(inlineValue))
        {
            value = string.Empty;
            error = $"{name} needs a value; see --help.";
            return false;
        }

        value = inlineValue;
        error = string.Empty;
        return true;
    }

    private static bool TryNumber(string name, string text, out long value, out string error)
    {
        if (long.TryParse(text.Replace("_", string.Empty, StringComparison.Ordinal), NumberStyles.AllowLeadingSign | NumberStyles.AllowThousands,
            CultureInfo.InvariantCulture, out value))
        {
            error = string.Empty;
            return true;
        }

        error = $"{name} must be a whole number; it is '{text}'.";
        return false;
    }

    private static bool TrySet(ReplayOptions options, string name, long value, out string error)
    {
        (long min, long max) = name switch
        {
            "--events" => (1L, 1_000_000_000L),
            "--users" => (1L, 10_000_000L),
            "--seed" => (int.MinValue, int.MaxValue),
            "--days" => (1L, 3650L),
            "--shards" => (1L, 256L),
            "--capacity" => (16L, 1L << 20),
            "--store-mib" => (16L, 1L << 16),
            _ => (1L, 65_536L),
        };
        if (name == "--store-mib" && (value & (value - 1)) != 0)
        {
            error = string.Create(CultureInfo.InvariantCulture, $"--store-mib must be a power of two; it is {value:N0}.");
            return false;
        }

        if (value < min || value > max)
        {
            error = string.Create(CultureInfo.InvariantCulture, $"{name} must be between {min:N0} and {max:N0}; it is {value:N0}.");
            return false;
        }

        switch (name)
        {
            case "--events": options.Events = value; break;
            case "--users": options.Users = (int)value; break;
            case "--seed": options.Seed = (int)value; break;
            case "--days": options.Days = (int)value; break;
            case "--shards": options.Shards = (int)value; break;
            case "--capacity": options.Capacity = (int)value; break;
            case "--store-mib": options.StoreMib = value; break;
            default: options.BatchSize = (int)value; break;
        }

        error = string.Empty;
        return true;
    }

    // "3/24h", "5/7d" or "2/90m".
    private static bool TryCap(ReplayOptions options, string text, out string error)
    {
        error = $"--frequency-cap must look like 3/24h (N per window in m, h or d); it is '{text}'.";
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == text.Length - 2 || !int.TryParse(text.AsSpan(0, slash), NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count < 1)
        {
            return false;
        }

        var unit = text[^1];
        if (!int.TryParse(text.AsSpan(slash + 1, text.Length - slash - 2), NumberStyles.None, CultureInfo.InvariantCulture, out var amount) || amount < 1)
        {
            return false;
        }

        TimeSpan? window = unit switch
        {
            'm' => TimeSpan.FromMinutes(amount),
            'h' => TimeSpan.FromHours(amount),
            'd' => TimeSpan.FromDays(amount),
            _ => null,
        };
        if (window is null)
        {
            return false;
        }

        options.FrequencyCap = count;
        options.FrequencyWindow = window.Value;
        error = string.Empty;
        return true;
    }

    // "localhost:2525" or "[::1]:25".
    private static bool TrySmtp(ReplayOptions options, string text, out string error)
    {
        error = $"--smtp must look like HOST:PORT, for example localhost:2525; it is '{text}'.";
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            return false;
        }

        options.SmtpHost = text[..colon].Trim('[', ']');
        options.SmtpPort = port;
        error = string.Empty;
        return true;
    }

    // "22-08" (hours) or "22:30-07:15".
    private static bool TryQuietHours(ReplayOptions options, string text, out string error)
    {
        error = $"--quiet-hours must look like 22-08 or 22:30-07:15 (local start-end); it is '{text}'.";
        var dash = text.IndexOf('-', StringComparison.Ordinal);
        if (dash <= 0 || !TryTime(text[..dash], out var start) || !TryTime(text[(dash + 1)..], out var end) || start == end)
        {
            return false;
        }

        options.QuietStart = start;
        options.QuietEnd = end;
        error = string.Empty;
        return true;
    }

    private static bool TryTime(string text, out TimeOnly time)
    {
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var hour) && hour is >= 0 and < 24)
        {
            time = new TimeOnly(hour, 0);
            return true;
        }

        return TimeOnly.TryParseExact(text, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out time);
    }
}
