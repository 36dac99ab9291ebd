using System.Diagnostics;
using MimeKit;
using Personalization.DeadLetters;
using Personalization.Delivery.Outbox;
using Personalization.Profiles;
using Personalization.Triggers;

namespace Personalization.Delivery;

internal sealed partial class DeliveryStage
{
    private sealed record SendWork(OutboxRecord Decision, SendIntent Intent, CustomerProfile? Profile, long Address);

    // On the reader: a decision whose key has ended, or is being sent, is a duplicate (a retry, replay or restart).
    private SendWork? Begin(OutboxRecord decision, long address)
    {
        lock (_gate)
        {
            if (_inFlight.Contains(decision.SendKey) || ReadLedger(decision.SendKey) is not null)
            {
                _metrics.Duplicate();
                return null;
            }

            if (IsErased(decision.UserId, address))
            {
                _metrics.Skipped(decision.Trigger, DeliveryReasons.Erased);
                return null;
            }

            _inFlight.Add(decision.SendKey);
            _pendingAddresses.Add(address);
        }

        var intent = decision.ToIntent();

        // In event time the decision's snapshot is the profile "as of" the send; live, the store's profile is newer
        // (an unsubscribe or a cart change since the decision counts).
        if (_eventTime && intent.Profile is not null)
        {
            return new SendWork(decision, intent, intent.Profile, address);
        }

        lock (_gate)
        {
            return new SendWork(decision, intent, _session is null ? null : ProfileRecords.Read(_session, decision.UserId, _buffer), address);
        }
    }

    private async Task SendAsync(SendWork work)
    {
        var intent = work.Intent;
        using var activity = Diagnostics.PipelineActivities.Source.StartActivity("personalization.deliver");
        activity?.SetTag("personalization.trigger", intent.Trigger);
        activity?.SetTag("personalization.send_key", intent.SendKey);
        string? to = null;
        SendRecord ending;
        try
        {
            (ending, to) = await DeliverAsync(work).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_abort.IsCancellationRequested)
        {
            // Stopped at once (not drained): the send did not end; its decision stays in the outbox for the next start.
            _slots.Release();
            Interlocked.Decrement(ref _sending);
            Progressed();
            return;
        }
        catch (Exception error)
        {
            // A bug or an unexpected failure in delivery itself: the send still ends, in dead letters, and the stage goes on.
            DeliveryLog.SendCrashed(_logger, error, intent.SendKey);
            ending = new SendRecord(intent.SendKey, SendStatus.Failed, 0, Now(intent), DeliveryReasons.RenderFailed, error.Message);
        }

        activity?.SetTag("personalization.send_status", ending.Status.ToString());
        if (ending.Status == SendStatus.Failed)
        {
            activity?.SetStatus(ActivityStatusCode.Error, ending.Reason);
        }

        try
        {
            // The slot (and with it the next send) waits until the ending is durable: a kill can then only resend
            // what was in flight, at most MaxConcurrency emails, never every send that ended since the last commit.
            var (end, deadLetter) = End(work, ending, to);
            if (end is { } address)
            {
                await _outbox!.WaitForDurableAsync(address, _abort.Token).ConfigureAwait(false);
            }

            if (deadLetter is not null && !await deadLetter.WaitAsync(_abort.Token).ConfigureAwait(false))
            {
                DeliveryLog.DeadLetterNotWritten(_logger, intent.SendKey);
            }
        }
        catch (OperationCanceledException) when (_abort.IsCancellationRequested)
        {
            // Stopped at once: the ending may not be durable; the send is repeated after the next start.
        }
        finally
        {
            _slots.Release();
            Interlocked.Decrement(ref _sending);
            Handled();
        }
    }

    private async Task<(SendRecord Ending, string? To)> DeliverAsync(SendWork work)
    {
        var intent = work.Intent;
        var now = Now(intent);
        if (work.Profile is not { } profile)
        {
            return (Skip(intent, now, DeliveryReasons.NoProfile), null);
        }

        if (Profiles.TraitFlags.IsTrue(profile.Traits, Profiles.TraitFlags.Unsubscribed))
        {
            return (Skip(intent, now, DeliveryReasons.Unsubscribed), null);
        }

        if (Address(profile) is not { } to)
        {
            return (Skip(intent, now, DeliveryReasons.NoAddress), null);
        }

        if (!_templates.Contains(intent.Template))
        {
            return (Fail(intent, now, 0, DeliveryReasons.UnknownTemplate, $"No template named '{intent.Template}' is configured."), to);
        }

        var unsubscribeUrl = UnsubscribeUrl(intent);
        RenderedEmail rendered;
        try
        {
            rendered = await _templates.RenderAsync(intent.Template, new EmailModel(profile, intent, to, unsubscribeUrl, now), _abort.Token)
                .ConfigureAwait(false);
        }
        catch (TemplateRenderException error)
        {
            return (Fail(intent, now, 0, DeliveryReasons.RenderFailed, error.Message), to);
        }

        _metrics.Rendered(intent.Trigger);
        var message = new EmailMessage
        {
            SendKey = intent.SendKey,
            MessageId = MessageIds.Create(intent.SendKey, _messageIdDomain),
            Trigger = intent.Trigger,
            UserId = intent.UserId,
            From = _options.From!,
            To = to,
            Subject = rendered.Subject,
            HtmlBody = rendered.Html,
            TextBody = rendered.Text,
            UnsubscribeUrl = unsubscribeUrl,
            Headers =
            [
                new("List-Unsubscribe", "<" + unsubscribeUrl + ">"),
                new("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
                new("X-Personalization-Trigger", intent.Trigger),
                new("X-Personalization-Send-Key", intent.SendKey),
            ],
        };

        var outcome = await _retrier.SendAsync(message, _abort.Token).ConfigureAwait(false);
        var ended = Now(intent);
        if (outcome.Sent)
        {
            var latency = TimeSpan.FromTicks(Math.Max(0, _timeProvider.GetUtcNow().UtcTicks - work.Decision.SubmittedTicks));
            _metrics.Sent(intent.Trigger, latency.TotalMilliseconds);
            return (new SendRecord(intent.SendKey, SendStatus.Sent, outcome.Attempts, ended, null, null), to);
        }

        var reason = outcome.Permanent ? DeliveryReasons.Rejected : DeliveryReasons.RetriesExhausted;
        return (Fail(intent, ended, outcome.Attempts, reason, Describe(outcome.LastError)), to);
    }

    // Records the ending (ledger, outbox, dead letters); returns the outbox address that makes it durable and the dead
    // letter's write, or nulls when nothing is recorded (the user was erased meanwhile).
    private (long? End, Task<bool>? DeadLetter) End(SendWork work, SendRecord ending, string? to)
    {
        var intent = work.Intent;
        var record = OutboxRecord.ForEnding(ending, intent.Trigger, intent.UserId);
        Task<bool>? deadLetter = null;
        lock (_gate)
        {
            _inFlight.Remove(intent.SendKey);
            _pendingAddresses.Remove(work.Address);
            if (IsErased(intent.UserId, work.Address))
            {
                // The user was erased while this send was in flight: nothing about it is recorded (the erasure marker
                // in the outbox keeps it from being sent again after a restart).
                return (null, null);
            }

            if (_session is not null)
            {
                WriteLedger(record);
            }

            if (ending.Status == SendStatus.Failed)
            {
                // Queued under the lock: an erasure of the user after this point also removes this dead letter.
                deadLetter = _deadLetters?.Post(DeadLetterFor(intent, ending, to));
            }
        }

        var end = _outbox!.Append(record);
        if (ending.Status == SendStatus.Failed)
        {
            DeliveryLog.SendFailed(_logger, intent.SendKey, intent.Trigger, ending.Attempts, ending.Reason ?? "", ending.Error ?? "");
        }

        return (end, deadLetter);
    }

    private static DeadLetterDraft DeadLetterFor(SendIntent intent, SendRecord ending, string? to) => new()
    {
        Kind = DeadLetterKind.FailedSend,
        Reason = ending.Reason ?? DeliveryReasons.RetriesExhausted,
        Message = $"The {intent.Trigger} email failed after {ending.Attempts} attempts ({ending.Reason}).",
        UserId = intent.UserId,
        SendKey = intent.SendKey,
        Trigger = intent.Trigger,
        To = to,
        Attempts = ending.Attempts,
        Error = ending.Error,
    };

    private SendRecord Skip(SendIntent intent, DateTimeOffset now, string reason)
    {
        _metrics.Skipped(intent.Trigger, reason);
        return new SendRecord(intent.SendKey, SendStatus.Skipped, 0, now, reason, null);
    }

    private SendRecord Fail(SendIntent intent, DateTimeOffset now, int attempts, string reason, string error)
    {
        _metrics.Failed(intent.Trigger, reason);
        return new SendRecord(intent.SendKey, SendStatus.Failed, attempts, now, reason, error);
    }

    // The delivery clock: the decision's due time in event time (a replay sends "when it happened"), else now.
    private DateTimeOffset Now(SendIntent intent) => _eventTime ? intent.Due : _timeProvider.GetUtcNow();

    private string? Address(CustomerProfile profile)
    {
        var candidate = profile.Email;
        if (string.IsNullOrWhiteSpace(candidate))
        {
            if (_options.FallbackEmailDomain is not { } domain)
            {
                return null;
            }

            candidate = profile.UserId + "@" + domain;
        }

        return MailboxAddress.TryParse(candidate, out var mailbox) && mailbox.Address.Contains('@', StringComparison.Ordinal)
            ? mailbox.Address
            : null;
    }

    private string UnsubscribeUrl(SendIntent intent)
    {
        var url = _options.UnsubscribeUrl!;
        url = url.Replace("{user_id}", Uri.EscapeDataString(intent.UserId), StringComparison.Ordinal)
            .Replace("{send_key}", Uri.EscapeDataString(intent.SendKey), StringComparison.Ordinal);
        if (url.Contains("{token}", StringComparison.Ordinal))
        {
            url = url.Replace("{token}", UnsubscribeTokens.Create(intent.UserId, _options.UnsubscribeSigningKey!), StringComparison.Ordinal);
        }

        return url;
    }

    private static string Describe(Exception? error)
    {
        if (error is null)
        {
            return "unknown error";
        }

        var text = error.GetType().Name + ": " + error.Message;
        return error.InnerException is { } inner ? text + " (" + inner.GetType().Name + ": " + inner.Message + ")" : text;
    }
}
