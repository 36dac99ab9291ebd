using System.Globalization;
using Fluid;
using Fluid.Ast;
using Fluid.Values;

namespace Personalization.Delivery.Templates;

/// <summary>
/// <c>(from..to)</c> that refuses a range longer than <see cref="TemplateContext.MaxSteps"/>: Fluid builds the whole
/// range as a list before a loop's first pass, so <c>(1..100000000)</c> would take seconds and gigabytes before the
/// step limit could stop it.
/// </summary>
internal sealed class BoundedRangeExpression(Expression from, Expression to) : Expression
{
    /// <inheritdoc/>
    public override async ValueTask<FluidValue> EvaluateAsync(TemplateContext context)
    {
        var start = (long)Math.Round((await from.EvaluateAsync(context).ConfigureAwait(false)).ToNumberValue());
        var end = (long)Math.Round((await to.EvaluateAsync(context).ConfigureAwait(false)).ToNumberValue());
        var count = end - start + 1;
        if (count <= 0)
        {
            return new ArrayValue([]);
        }

        var limit = context.MaxSteps > 0 ? context.MaxSteps : int.MaxValue;
        if (count > limit)
        {
            throw new TemplateLimitExceededException(string.Create(CultureInfo.InvariantCulture,
                $"the range ({start}..{end}) has more numbers than MaxSteps ({limit})"));
        }

        var items = new FluidValue[count];
        for (var i = 0; i < items.Length; i++)
        {
            items[i] = NumberValue.Create(start + i);
        }

        return new ArrayValue(items);
    }
}
