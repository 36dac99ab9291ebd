using Personalization.Delivery;

namespace Personalization.Tests.Delivery;

public class MessageIdsTests
{
    [TestCase("cart_abandonment:u-1:1", "cart_abandonment=3Au-1=3A1@shop.test")]
    [TestCase("product_reminder:u-1/sku-9:2", "product_reminder=3Au-1/sku-9=3A2@shop.test")]
    [TestCase("a b=c", "a=20b=3Dc@shop.test")]
    [TestCase("j\u00fcrgen:1", "j=C3=BCrgen=3A1@shop.test")]
    [TestCase(".x..y.", "=2Ex.=2Ey=2E@shop.test")]
    public void A_send_key_becomes_a_valid_message_id_that_keeps_it_distinct(string sendKey, string expected)
    {
        Assert.That(MessageIds.Create(sendKey, "shop.test"), Is.EqualTo(expected));
    }

    [Test]
    public void Keys_that_differ_only_in_escaped_characters_get_different_ids()
    {
        Assert.That(MessageIds.Create("a:b", "d"), Is.Not.EqualTo(MessageIds.Create("a=3Ab", "d")));
    }
}
