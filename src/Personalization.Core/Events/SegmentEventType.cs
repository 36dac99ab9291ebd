namespace Personalization.Events;

/// <summary>The Segment spec's call types.</summary>
public enum SegmentEventType
{
    /// <summary>A user action, named by <see cref="SegmentEvent.Event"/>.</summary>
    Track,

    /// <summary>Who the user is: <see cref="SegmentEvent.Traits"/> such as <c>email</c>.</summary>
    Identify,

    /// <summary>A page view on a website.</summary>
    Page,

    /// <summary>A screen view in a mobile app.</summary>
    Screen,

    /// <summary>An association of the user with a group (account, company).</summary>
    Group,

    /// <summary>Links <see cref="SegmentEvent.PreviousId"/> to <see cref="SegmentEvent.UserId"/>.</summary>
    Alias,
}
