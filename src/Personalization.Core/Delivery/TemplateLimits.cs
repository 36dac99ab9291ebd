namespace Personalization.Delivery;

/// <summary>The sandbox every template renders in, so that one bad template cannot stall or flood delivery.</summary>
public sealed class TemplateLimits
{
    /// <summary>The most statements one render may execute (loops count each pass). Default 100,000.</summary>
    public int MaxSteps { get; set; } = 100_000;

    /// <summary>The deepest nesting of includes and blocks. Default 32.</summary>
    public int MaxRecursion { get; set; } = 32;

    /// <summary>The most characters one rendered part may have. Default 1,000,000.</summary>
    public int MaxOutputChars { get; set; } = 1_000_000;
}
