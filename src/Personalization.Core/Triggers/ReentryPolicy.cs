namespace Personalization.Triggers;

/// <summary>Whether a user who already got a trigger's email may get it again, decided when an instance comes due.</summary>
public sealed class ReentryPolicy
{
    private ReentryPolicy(ReentryKind kind, TimeSpan window)
    {
        Kind = kind;
        Window = window;
    }

    /// <summary>Every instance that comes due may send.</summary>
    public static ReentryPolicy Always { get; } = new(ReentryKind.Always, TimeSpan.Zero);

    /// <summary>A user gets the trigger's email at most once, ever.</summary>
    public static ReentryPolicy OnceEver { get; } = new(ReentryKind.OnceEver, TimeSpan.Zero);

    /// <summary>An instance that comes due less than <paramref name="window"/> after the user's previous send of
    /// this trigger is suppressed (reason <see cref="TriggerReasons.Reentry"/>).</summary>
    public static ReentryPolicy OncePer(TimeSpan window)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(window, TimeSpan.Zero);
        return new(ReentryKind.OncePerWindow, window);
    }

    /// <summary>Which kind of policy this is.</summary>
    public ReentryKind Kind { get; }

    /// <summary>The window of <see cref="ReentryKind.OncePerWindow"/>.</summary>
    public TimeSpan Window { get; }

    /// <summary>Whether a send due at <paramref name="due"/> is allowed after a previous send at <paramref name="previous"/>.</summary>
    public bool Allows(DateTimeOffset? previous, DateTimeOffset due) => Kind switch
    {
        ReentryKind.Always => true,
        ReentryKind.OnceEver => previous is null,
        _ => previous is not { } last || due - last >= Window,
    };

    /// <inheritdoc />
    public override string ToString() => Kind == ReentryKind.OncePerWindow ? $"once per {Window}" : Kind.ToString();
}

/// <summary>The kinds of <see cref="ReentryPolicy"/>.</summary>
public enum ReentryKind
{
    /// <summary>No limit.</summary>
    Always,

    /// <summary>Once per user, ever.</summary>
    OnceEver,

    /// <summary>Once per user per window.</summary>
    OncePerWindow,
}
