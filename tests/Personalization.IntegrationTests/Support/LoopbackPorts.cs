using System.Net;
using System.Net.Sockets;

namespace Personalization.IntegrationTests.Support;

/// <summary>Ports on loopback for real servers in tests.</summary>
internal static class LoopbackPorts
{
    /// <summary>A port nothing listens on now (bound and released), for "the server is down".</summary>
    public static int Unused()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
