// Downloads the sample archive as a person would: Debian's headless Chromium, driven by playwright-core, opens the
// service's index page, takes a screenshot of it, clicks the sample archive link and waits for the download.
//
//   node download.mjs <index url> <download dir> [<screenshot.png>]
//
// Prints key=value lines for BrowserDownloadIT:
//   suggestedFilename=  the file name the browser chose (from Content-Disposition)
//   savedPath=          where the download was saved
//   totalBytesWhileInProgress=  the largest totalBytes Chromium reported (CDP Browser.downloadProgress) while the
//                       download was still in progress, -1 if it never did; 0 means the size was not known
//   progressEvents=     how many in-progress events were seen
//   receivedBytesWhenTotalKnown=  receivedBytes of the first in-progress event that knew the total
import path from 'node:path';
import { chromium } from 'playwright-core';

const [url, downloadDir, screenshot] = process.argv.slice(2);
if (!url || !downloadDir) {
    console.error('usage: node download.mjs <index url> <download dir> [<screenshot.png>]');
    process.exit(2);
}

// Without the background-networking flags Chromium keeps trying hosts this machine cannot reach.
const args = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'];
// launch() (not launchPersistentContext) gives Chromium a new, empty --user-data-dir that Playwright deletes on close.
const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args,
    timeout: 30_000,
});
const stop = setTimeout(() => {
    console.error('download.mjs: no download within 45 s');
    process.exit(3);
}, 45_000);
try {
    // Download events from Chromium itself: a second browser-level CDP session that only listens (behaviour
    // 'default' for the default context, which Playwright does not use; its own context keeps its settings).
    const cdp = await browser.newBrowserCDPSession();
    let totalWhileInProgress = -1;
    let receivedWhenKnown = -1;
    let progressEvents = 0;
    cdp.on('Browser.downloadProgress', (event) => {
        if (event.state === 'inProgress') {
            progressEvents++;
            if (event.totalBytes > 0 && receivedWhenKnown < 0) {
                receivedWhenKnown = event.receivedBytes;
            }
            totalWhileInProgress = Math.max(totalWhileInProgress, event.totalBytes);
        }
    });
    await cdp.send('Browser.setDownloadBehavior', { behavior: 'default', eventsEnabled: true });

    const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1024, height: 640 } });
    const page = await context.newPage();
    const response = await page.goto(url);
    if (!response || response.status() !== 200) {
        throw new Error(`index page answered ${response && response.status()}`);
    }
    if (screenshot) {
        await page.screenshot({ path: screenshot, fullPage: true });
    }
    const [download] = await Promise.all([
        page.waitForEvent('download', { timeout: 30_000 }),
        page.getByRole('link', { name: /sample archive/ }).click(),
    ]);
    const failure = await download.failure();
    if (failure) {
        throw new Error(`download failed: ${failure}`);
    }
    const saved = path.join(downloadDir, download.suggestedFilename());
    await download.saveAs(saved);
    console.log(`suggestedFilename=${download.suggestedFilename()}`);
    console.log(`savedPath=${saved}`);
    console.log(`totalBytesWhileInProgress=${totalWhileInProgress}`);
    console.log(`progressEvents=${progressEvents}`);
    console.log(`receivedBytesWhenTotalKnown=${receivedWhenKnown}`);
    await context.close();
} finally {
    clearTimeout(stop);
    await browser.close();
}
