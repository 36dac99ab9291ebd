using System.Text.Encodings.Web;
using Fluid;
using Fluid.Values;

namespace Personalization.Delivery.Templates;

/// <summary>
/// An object of the template model that makes its members only when a template reads them, so that a render pays
/// only for what the template uses (no dictionaries, no reflection).
/// </summary>
internal abstract class ModelObjectValue : FluidValue
{
    /// <inheritdoc/>
    public override FluidValues Type => FluidValues.Object;

    /// <summary>The member <paramref name="name"/>, or nil.</summary>
    protected abstract FluidValue GetMember(string name, TemplateContext context);

    /// <inheritdoc/>
    public override ValueTask<FluidValue> GetValueAsync(string name, TemplateContext context) => new(GetMember(name, context));

    /// <inheritdoc/>
    public override ValueTask<FluidValue> GetIndexAsync(FluidValue index, TemplateContext context) =>
        new(GetMember(index.ToStringValue(), context));

    /// <inheritdoc/>
    public override bool Equals(FluidValue other) => ReferenceEquals(this, other);

    /// <inheritdoc/>
    public override bool ToBooleanValue() => true;

    /// <inheritdoc/>
    public override decimal ToNumberValue() => 0;

    /// <inheritdoc/>
    public override string ToStringValue() => "";

    /// <inheritdoc/>
    public override object ToObjectValue() => this;

    /// <inheritdoc/>
    // An object has no text of its own: {{ profile }} writes nothing rather than a type name.
    public override ValueTask WriteToAsync(TextWriter writer, TextEncoder encoder, System.Globalization.CultureInfo cultureInfo) =>
        ValueTask.CompletedTask;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => ReferenceEquals(this, obj);

    /// <inheritdoc/>
    public override int GetHashCode() => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(this);

    /// <summary>A string, or nil for <see langword="null"/>.</summary>
    protected static FluidValue Text(string? value) => value is null ? NilValue.Instance : new StringValue(value);

    /// <summary>A date in the profile's time zone, or nil for <see langword="null"/>.</summary>
    /// <remarks>Fluid's <c>date</c> filter keeps a date's offset, so dates are handed over already converted: then
    /// <c>{{ now | date: "%H:%M" }}</c> is the recipient's wall-clock time, as <c>format_date</c> is.</remarks>
    internal static FluidValue Date(DateTimeOffset? value, TemplateContext context) =>
        value is { } date ? new DateTimeValue(TimeZoneInfo.ConvertTime(date, context.TimeZone)) : NilValue.Instance;

    /// <summary>A number.</summary>
    protected static FluidValue Number(decimal value) => NumberValue.Create(value);

    /// <summary>A list of strings.</summary>
    protected static FluidValue Strings(IReadOnlyList<string> values)
    {
        var items = new FluidValue[values.Count];
        for (var i = 0; i < items.Length; i++)
        {
            items[i] = new StringValue(values[i]);
        }

        return new ArrayValue(items);
    }
}
