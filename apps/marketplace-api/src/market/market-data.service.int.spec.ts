import { EmbeddedPlatform } from '@policloud/test-support/embedded-platform';
import {
  listOffer,
  marketplaceServices,
  matchingRuns,
  placeOrder,
  registerMarket,
  runMatching,
} from '@policloud/test-support/marketplace-services';
import { MarketDataService } from './market-data.service';

const platform = EmbeddedPlatform.forSpecFile();
const services = () => marketplaceServices(platform);
const market = () => new MarketDataService(platform.readModels, platform.config);
const at = (hour: number) => `2027-03-05T${String(hour).padStart(2, '0')}:00:00Z`;

describe('MarketDataService', () => {
  it("depth: an open order bids in each slot of its window it does not hold yet, at its price; supply is what sites' energy still runs", async () => {
    const parties = await registerMarket(services());
    // Energy for exactly 8 GPUs (e = 840 Wh) at 10:00 and 11:00 only.
    await listOffer(services(), parties, {
      profile: [
        { slot: at(10), wh: 6_720 },
        { slot: at(11), wh: 6_720 },
        { slot: at(12), wh: 16_800 },
      ],
    });
    await placeOrder(services(), parties, {
      gpus: 8,
      hours: 4,
      earliestStart: at(10),
      deadline: at(16),
      maxPricePerGpuHour: 250,
    });
    await runMatching(platform, matchingRuns(platform), {
      from: at(0),
      to: '2027-03-06T00:00:00Z',
    });
    await platform.settled();

    const depth = await market().depth({ from: at(9), to: at(17) });
    const bid = [{ pricePerGpuHour: 250, gpuHours: 8, cumulativeGpuHours: 8 }];
    // Filled at 10, 11 and 12 (where the energy was): it still wants 8 GPUs for one hour and
    // bids for it in 13, 14 and 15, the hours of its window it does not hold; none outside it.
    expect(depth.slots).toEqual([
      {
        slot: at(12),
        currency: 'EUR',
        supply: [{ pricePerGpuHour: 150, gpuHours: 12, cumulativeGpuHours: 12 }],
        demand: [],
      },
      { slot: at(13), currency: 'EUR', supply: [], demand: bid },
      { slot: at(14), currency: 'EUR', supply: [], demand: bid },
      { slot: at(15), currency: 'EUR', supply: [], demand: bid },
    ]);
  });
});
