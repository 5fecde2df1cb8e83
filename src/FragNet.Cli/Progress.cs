namespace FragNet.Cli;

/// <summary>A one-line progress bar on standard error, drawn only when it is a terminal.</summary>
internal sealed class Progress(string label, long total)
{
    private readonly bool _enabled = !Console.IsErrorRedirected && total > 0;
    private int _lastPercent = -1;

    public void Report(long done)
    {
        if (!_enabled)
        {
            return;
        }

        int percent = (int)(done * 100 / total);
        if (percent == _lastPercent)
        {
            return;
        }

        _lastPercent = percent;
        const int width = 40;
        int filled = percent * width / 100;
        Console.Error.Write($"\r{label} [{new string('#', filled)}{new string('.', width - filled)}] {percent,3}% {done:N0}/{total:N0}");
    }

    public void Done()
    {
        if (_enabled)
        {
            Console.Error.Write("\r" + new string(' ', Console.WindowWidth > 0 ? Console.WindowWidth - 1 : 100) + "\r");
        }
    }
}
