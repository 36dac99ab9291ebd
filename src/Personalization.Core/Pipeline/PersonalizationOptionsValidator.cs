using System.Globalization;
using Microsoft.Extensions.Options;

namespace Personalization.Pipeline;

/// <summary>Checks every setting of <see cref="PersonalizationOptions"/> and names each bad one with its value.</summary>
public sealed class PersonalizationOptionsValidator : IValidateOptions<PersonalizationOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, PersonalizationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.DataDirectory))
        {
            errors.Add($"DataDirectory must be a directory path; it is '{options.DataDirectory}'.");
        }

        Range(errors, nameof(options.ShardCount), options.ShardCount, 1, 256);
        Range(errors, nameof(options.ChannelCapacity), options.ChannelCapacity, 16, 1 << 20);
        if (!Enum.IsDefined(options.FullMode))
        {
            errors.Add($"FullMode must be Wait or Reject; it is {(int)options.FullMode}.");
        }

        if (!Enum.IsDefined(options.Clock))
        {
            errors.Add($"Clock must be ProcessingTime or EventTime; it is {(int)options.Clock}.");
        }

        Range(errors, nameof(options.DedupeWindow), options.DedupeWindow, TimeSpan.FromSeconds(1), TimeSpan.FromDays(365));
        Range(errors, nameof(options.AllowedLateness), options.AllowedLateness, TimeSpan.Zero, TimeSpan.FromDays(1));
        if (!Enum.IsDefined(options.Durability))
        {
            errors.Add($"Durability must be None, GroupCommit or PerEvent; it is {(int)options.Durability}.");
        }

        Range(errors, nameof(options.GroupCommitInterval), options.GroupCommitInterval, TimeSpan.Zero, TimeSpan.FromSeconds(1));
        if (options.CheckpointInterval != TimeSpan.Zero)
        {
            Range(errors, nameof(options.CheckpointInterval), options.CheckpointInterval, TimeSpan.FromSeconds(1), TimeSpan.FromDays(1));
        }

        Range(errors, nameof(options.ClockTickInterval), options.ClockTickInterval, TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(1));
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var trigger in options.Triggers)
        {
            if (trigger is null)
            {
                errors.Add("Triggers must not contain null.");
            }
            else if (!names.Add(trigger.Name))
            {
                errors.Add($"Triggers must have unique names; '{trigger.Name}' is there twice.");
            }
        }

        ValidatePolicies(errors, options.SendPolicies);
        Delivery.DeliveryOptionsValidator.Validate(errors, options.Delivery, options.Triggers);
        ValidateValidation(errors, options.Validation);
        DeadLetters.DeadLetterOptionsValidator.Validate(options.DeadLetters, errors);
        if (options.Store is null)
        {
            errors.Add("Store must be set.");
        }
        else
        {
            Range(errors, "Store.ProfileCacheSize", options.Store.ProfileCacheSize, 0, 1 << 20);
            PowerOfTwo(errors, "Store.MemoryBudgetBytes", options.Store.MemoryBudgetBytes, 16L << 20);
            PowerOfTwo(errors, "Store.IndexSizeBytes", options.Store.IndexSizeBytes, 64L << 10);
            PowerOfTwo(errors, "Store.PageSizeBytes", options.Store.PageSizeBytes, 64L << 10);
            PowerOfTwo(errors, "Store.SegmentSizeBytes", options.Store.SegmentSizeBytes, Math.Max(options.Store.PageSizeBytes, 64L << 10));
            if (options.Store.CompactionMinLogBytes < (1L << 20))
            {
                errors.Add(string.Create(CultureInfo.InvariantCulture, $"Store.CompactionMinLogBytes must be at least 1048576 (1 MiB); it is {options.Store.CompactionMinLogBytes}."));
            }

            if (options.Store.CompactionMaxBytesPerCheckpoint < (1L << 20))
            {
                errors.Add(string.Create(CultureInfo.InvariantCulture, $"Store.CompactionMaxBytesPerCheckpoint must be at least 1048576 (1 MiB); it is {options.Store.CompactionMaxBytesPerCheckpoint}."));
            }

            if (!(options.Store.CompactionTriggerRatio >= 1.5) || double.IsInfinity(options.Store.CompactionTriggerRatio))
            {
                errors.Add(string.Create(CultureInfo.InvariantCulture, $"Store.CompactionTriggerRatio must be a finite number of at least 1.5; it is {options.Store.CompactionTriggerRatio}."));
            }

            if (options.Store.PageSizeBytes * 4 > options.Store.MemoryBudgetBytes)
            {
                errors.Add($"Store.PageSizeBytes must be at most a quarter of Store.MemoryBudgetBytes ({options.Store.MemoryBudgetBytes}); it is {options.Store.PageSizeBytes}.");
            }
        }

        return errors.Count == 0
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(errors);
    }

    private static void ValidatePolicies(List<string> errors, Triggers.SendPolicyOptions? policies)
    {
        if (policies is null)
        {
            errors.Add("SendPolicies must be set.");
            return;
        }

        if (policies.FrequencyCap is < 1)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"SendPolicies.FrequencyCap must be at least 1 when set; it is {policies.FrequencyCap}."));
        }

        Range(errors, "SendPolicies.FrequencyWindow", policies.FrequencyWindow, TimeSpan.FromMinutes(1), TimeSpan.FromDays(365));
        Range(errors, "SendPolicies.SendBy", policies.SendBy, TimeSpan.Zero, TimeSpan.FromDays(7));
        if (policies.QuietHoursStart.HasValue != policies.QuietHoursEnd.HasValue)
        {
            errors.Add($"SendPolicies.QuietHoursStart and QuietHoursEnd must be set together; they are '{policies.QuietHoursStart}' and '{policies.QuietHoursEnd}'.");
        }

        if (!TimeZoneInfo.TryFindSystemTimeZoneById(policies.DefaultTimeZone ?? string.Empty, out _))
        {
            errors.Add($"SendPolicies.DefaultTimeZone must be a time zone id of this machine; it is '{policies.DefaultTimeZone}'.");
        }
    }

    private static void Range<T>(List<string> errors, string name, T value, T min, T max)
        where T : IComparable<T>
    {
        if (value.CompareTo(min) < 0 || value.CompareTo(max) > 0)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"{name} must be between {min} and {max}; it is {value}."));
        }
    }

    private static void PowerOfTwo(List<string> errors, string name, long value, long min)
    {
        if (value < min || (value & (value - 1)) != 0)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"{name} must be a power of two of at least {min}; it is {value}."));
        }
    }

    // Issue 6: the ingest checks (limits, junk ids, future skew, tracking plan, upcasters); see Ingest/ValidationOptionsValidator.
    private static void ValidateValidation(List<string> errors, Ingest.ValidationOptions? validation) =>
        Ingest.ValidationOptionsValidator.Validate(errors, validation);
}
