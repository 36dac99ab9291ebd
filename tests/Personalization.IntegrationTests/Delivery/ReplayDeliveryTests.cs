using System.Globalization;
using System.Text;
using System.Text.Json;
using MailKit.Security;
using Personalization.Collect;
using Personalization.Delivery;
using Personalization.Delivery.Dispatch;
using Personalization.Events;
using Personalization.IntegrationTests.Support;
using Personalization.Pipeline;
using Personalization.Triggers;

namespace Personalization.IntegrationTests.Delivery;

/// <summary>
/// The REES46 sample replayed in event time with cart abandonment, delivered through a real SMTP server on loopback:
/// every send arrives once, with the user's cart and the unsubscribe headers, whatever the server does.
/// </summary>
public class ReplayDeliveryTests
{
    // What the Replay sample and the trigger tests count for cart abandonment on this file.
    private const int CartAbandonmentFired = 53;

    private const string CartHtml = """
        <p>Hi {{ profile.first_name | default: 'there' }}, your cart:</p>
        <ul>{% for item in profile.cart %}<li data-product="{{ item.product_id }}">{{ item.name | default: item.product_id }} x{{ item.quantity }}</li>{% endfor %}</ul>
        <a href="{{ unsubscribe_url }}">Unsubscribe</a>
        """;

    [Test]
    public async Task Every_cart_abandonment_send_of_the_REES46_replay_arrives_once_with_a_cart_product_and_the_unsubscribe_headers()
    {
        await using var server = await LoopbackSmtpServer.StartAsync();
        using var directory = new TempDirectory();

        var (pipeline, carts) = await ReplayAsync(directory.Path, Smtp(server));

        var received = server.Received;
        Assert.Multiple(() =>
        {
            Assert.That(pipeline.TriggerCounts[Trigger.CartAbandonmentName].Fired, Is.EqualTo(CartAbandonmentFired));
            Assert.That(pipeline.DeliveryCounts.Sent, Is.EqualTo(CartAbandonmentFired));
            Assert.That(pipeline.DeliveryCounts.Failed, Is.Zero);
            Assert.That(received, Has.Count.EqualTo(CartAbandonmentFired));
            Assert.That(received.Select(m => m.MessageId), Is.Unique);
            Assert.That(received.Select(m => m.Headers["X-Personalization-Send-Key"]), Is.Unique);
        });
        foreach (var message in received)
        {
            var user = message.To.Mailboxes.Single().Address.Split('@')[0];
            Assert.Multiple(() =>
            {
                Assert.That(message.Headers["X-Personalization-Trigger"], Is.EqualTo(Trigger.CartAbandonmentName));
                Assert.That(message.Headers["List-Unsubscribe"], Does.StartWith("<https://shop.test/unsubscribe?u=" + user + "&t="));
                Assert.That(message.Headers["List-Unsubscribe-Post"], Is.EqualTo("List-Unsubscribe=One-Click"));
                Assert.That(message.HtmlBody, Does.Contain("https://shop.test/unsubscribe?u=" + user));
                Assert.That(carts[user].Any(product => (message.HtmlBody ?? "").Contains($"data-product=\"{product}\"", StringComparison.Ordinal)),
                    $"the email to {user} shows none of the products they added to their cart: {message.HtmlBody}");
            });
        }
    }

    [Test]
    public async Task With_the_server_refusing_the_first_two_attempts_of_each_message_every_message_still_arrives_exactly_once()
    {
        await using var server = await LoopbackSmtpServer.StartAsync(refuseFirstAttemptsPerMessage: 2);
        using var directory = new TempDirectory();

        var (pipeline, _) = await ReplayAsync(directory.Path, Smtp(server));

        Assert.Multiple(() =>
        {
            Assert.That(server.Received, Has.Count.EqualTo(CartAbandonmentFired));
            Assert.That(server.Received.Select(m => m.MessageId), Is.Unique);
            Assert.That(server.Attempts, Is.EqualTo(3 * CartAbandonmentFired));
            Assert.That(pipeline.DeliveryCounts.Sent, Is.EqualTo(CartAbandonmentFired));
            Assert.That(pipeline.DeliveryCounts.Retried, Is.EqualTo(2 * CartAbandonmentFired));
            Assert.That(pipeline.DeliveryCounts.Failed, Is.Zero);
        });
    }

    [Test]
    public async Task With_the_server_down_every_send_lands_in_dead_letters_with_its_error_and_none_is_lost()
    {
        var port = LoopbackPorts.Unused();
        using var directory = new TempDirectory();
        var dispatcher = new SmtpEmailDispatcher(new SmtpDispatcherOptions
        {
            Host = "127.0.0.1",
            Port = port,
            Security = SecureSocketOptions.None,
        });

        var (pipeline, _) = await ReplayAsync(directory.Path, dispatcher);

        // The stopped pipeline's dead letters stay readable; the export is the store's own JSON Lines format.
        using var export = new MemoryStream();
        pipeline.DeadLetters.ExportTo(export);
        var deadLetters = Encoding.UTF8.GetString(export.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonDocument.Parse(line).RootElement)
            .ToList();
        Assert.Multiple(() =>
        {
            Assert.That(pipeline.DeliveryCounts.Sent, Is.Zero);
            Assert.That(pipeline.DeliveryCounts.Failed, Is.EqualTo(CartAbandonmentFired));
            Assert.That(deadLetters, Has.Count.EqualTo(CartAbandonmentFired));
            Assert.That(deadLetters.Select(d => d.GetProperty("kind").GetString()), Has.All.EqualTo("failed_send"));
            Assert.That(deadLetters.Select(d => d.GetProperty("send_key").GetString()), Is.Unique);
            Assert.That(deadLetters.Select(d => d.GetProperty("reason").GetString()), Has.All.EqualTo(DeliveryReasons.RetriesExhausted));
            Assert.That(deadLetters.Select(d => d.GetProperty("attempts").GetInt32()), Has.All.EqualTo(3));
            Assert.That(deadLetters.Select(d => d.GetProperty("error").GetString()),
                Has.All.Contain(port.ToString(CultureInfo.InvariantCulture)));
        });
    }

    private static SmtpEmailDispatcher Smtp(LoopbackSmtpServer server) => new(new SmtpDispatcherOptions
    {
        Host = server.Host,
        Port = server.Port,
        Security = SecureSocketOptions.None,
    });

    // Replays the sample through cart abandonment with delivery on; returns the stopped pipeline (its counts stay
    // readable) and the products each user ever added to their cart.
    private static async Task<(PersonalizationPipeline Pipeline, Dictionary<string, HashSet<string>> Carts)> ReplayAsync(
        string dataDirectory, IEmailDispatcher dispatcher)
    {
        var options = new PersonalizationOptions { DataDirectory = dataDirectory, ShardCount = 2, Clock = ClockMode.EventTime };
        options.Triggers.Add(Trigger.CartAbandonment().Build());
        var delivery = options.Delivery;
        delivery.Dispatcher = dispatcher;
        delivery.Templates.Add(new EmailTemplate(Trigger.CartAbandonmentName, "{{ profile.cart_quantity }} items are waiting", CartHtml));
        delivery.From = "Shop <shop@shop.test>";
        delivery.UnsubscribeUrl = "https://shop.test/unsubscribe?u={user_id}&t={token}";
        delivery.UnsubscribeSigningKey = "test-key";
        delivery.FallbackEmailDomain = "users.shop.test";
        delivery.Retry.MaxAttempts = 3;
        delivery.Retry.BaseDelay = TimeSpan.FromMilliseconds(1);
        delivery.Retry.UseJitter = false;

        var carts = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        var pipeline = await PersonalizationPipeline.StartNewAsync(options);
        await using (pipeline)
        {
            var batch = new List<SegmentEvent>(1000);
            await using var stream = File.OpenRead(SharedData.Find(SharedData.Rees46Sample));
            foreach (var record in EcommerceCsvReader.Read(stream))
            {
                if (!record.Result.Success)
                {
                    continue;
                }

                var @event = record.Result.Event;
                if (@event.Event == EcommerceEvents.ProductAdded && @event.Properties.TryGetValue("product_id", out var product))
                {
                    if (!carts.TryGetValue(@event.ProfileId!, out var products))
                    {
                        carts[@event.ProfileId!] = products = new HashSet<string>(StringComparer.Ordinal);
                    }

                    products.Add(Convert.ToString(product, CultureInfo.InvariantCulture)!);
                }

                batch.Add(@event);
                if (batch.Count == 1000)
                {
                    await pipeline.IngestBatchAsync(batch);
                    batch.Clear();
                }
            }

            await pipeline.IngestBatchAsync(batch);
            await pipeline.CompleteReplayAsync();
            await pipeline.StopAsync();
        }

        return (pipeline, carts);
    }
}
