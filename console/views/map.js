// The network map: every site on an offline world map (world-atlas drawn with d3-geo) in three
// panels (Europe, the Gulf, the US), sized by GPUs and coloured by how many were allocated in
// the chosen hour; country and operator jurisdiction on hover or keyboard focus.
import { geoContains, geoMercator, geoPath } from 'd3-geo';
import { feature } from 'topojson-client';
import { el, integer, percent, slotLabel, table, loading, WEEK_HOURS } from '../format.js';
import { sitesWithCapacity } from '../sites.js';
import { weekControl } from '../week.js';

const SVG = 'http://www.w3.org/2000/svg';

/** The panels, each a lon/lat box; a site is drawn in the panel whose box holds it. */
const REGIONS = [
  {
    id: 'europe',
    name: 'Europe',
    box: [
      [-11, 35],
      [21, 56],
    ],
    width: 620,
    height: 500,
  },
  {
    id: 'us',
    name: 'United States',
    box: [
      [-125, 24],
      [-66, 50],
    ],
    width: 520,
    height: 270,
  },
  {
    id: 'gulf',
    name: 'Gulf',
    box: [
      [43, 20],
      [61, 31],
    ],
    width: 520,
    height: 210,
  },
];

/** Light to dark blue: an allocated share of 0 to 1 (a colour-blind-safe sequential ramp). */
const RAMP = ['#eff3ff', '#bdd7e7', '#6baed6', '#3182bd', '#08519c'];
export const utilisationColour = (share) =>
  RAMP[Math.min(RAMP.length - 1, Math.floor(share * RAMP.length))];

let atlas;
async function countries() {
  atlas ??= fetch('./vendor/world-atlas/countries-50m.json')
    .then((response) => {
      if (!response.ok) throw new Error(`The world map could not be loaded (${response.status})`);
      return response.json();
    })
    .then((topology) => feature(topology, topology.objects.countries).features);
  return atlas;
}

const svg = (tag, attributes = {}) => {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  return element;
};

function regionOf(site) {
  const { lon, lat } = site.location;
  const inside = REGIONS.find(
    ({ box: [[west, south], [east, north]] }) =>
      lon >= west && lon <= east && lat >= south && lat <= north,
  );
  return inside;
}

/**
 * Markers that would overlap (two sites a few km apart) pushed apart just enough to see both;
 * each keeps its true position (trueX, trueY) for a leader line.
 */
function spreadOverlaps(markers) {
  const placed = markers.map((marker) => ({ ...marker, trueX: marker.x, trueY: marker.y }));
  for (let round = 0; round < 20; round++) {
    let moved = false;
    for (const [index, a] of placed.entries()) {
      for (const b of placed.slice(index + 1)) {
        const dx = b.x - a.x;
        const dy = b.y - a.y;
        const distance = Math.hypot(dx, dy);
        const overlap = a.r + b.r + 2 - distance;
        if (overlap <= 0) continue;
        // Coincident sites part sideways; others along the line between them.
        const [ux, uy] = distance > 0.01 ? [dx / distance, dy / distance] : [1, 0];
        a.x -= (ux * overlap) / 2;
        a.y -= (uy * overlap) / 2;
        b.x += (ux * overlap) / 2;
        b.y += (uy * overlap) / 2;
        moved = true;
      }
    }
    if (!moved) break;
  }
  return placed;
}

function hourOf(site, slotIndex) {
  const slot = site.capacity.slots[slotIndex];
  if (!slot) return { used: 0, online: 0, share: 0 };
  return {
    used: slot.gpusAllocated,
    online: slot.gpusOnline,
    share: slot.gpusOnline > 0 ? slot.gpusAllocated / slot.gpusOnline : 0,
  };
}

/** The hour with the most GPUs allocated across sites: something to see on first load. */
function busiestHour(sites) {
  let best = 0;
  let bestUsed = -1;
  for (let index = 0; index < WEEK_HOURS; index++) {
    const used = sites.reduce((sum, site) => sum + hourOf(site, index).used, 0);
    if (used > bestUsed) [best, bestUsed] = [index, used];
  }
  return best;
}

export async function render(container, context) {
  const { state } = context;
  container.replaceChildren(el('h2', { id: 'map-title' }, 'Network map'));
  const body = el('div');
  container.append(
    weekControl(state, () => void render(container, context)),
    body,
  );
  loading(body, 'sites and the world map');
  const [sites, world] = await Promise.all([sitesWithCapacity(state), countries()]);
  if (!context.isCurrent()) return;
  const slots = sites[0]?.capacity.slots ?? [];
  let hour = busiestHour(sites);

  const slider = el('input', {
    id: 'map-hour',
    type: 'range',
    min: 0,
    max: Math.max(0, slots.length - 1),
    value: hour,
  });
  const hourText = el('output', { for: 'map-hour', id: 'map-hour-label' });
  const tooltip = el('div', {
    class: 'map-tooltip',
    role: 'tooltip',
    id: 'map-tooltip',
    hidden: true,
  });
  const panels = el('div', { class: 'map-panels' });
  const listing = el('div', { class: 'table-wrap' });

  const markers = [];
  // Sites beyond the three panels are listed in the table only.
  const elsewhere = sites.filter((site) => !regionOf(site)).map((site) => ({ site }));
  for (const region of REGIONS) {
    const projection = geoMercator()
      .fitExtent(
        [
          [8, 8],
          [region.width - 8, region.height - 8],
        ],
        {
          type: 'MultiPoint',
          coordinates: [
            region.box[0],
            region.box[1],
            [region.box[0][0], region.box[1][1]],
            [region.box[1][0], region.box[0][1]],
          ],
        },
      )
      .clipExtent([
        [0, 0],
        [region.width, region.height],
      ]);
    const path = geoPath(projection);
    const map = svg('svg', {
      viewBox: `0 0 ${region.width} ${region.height}`,
      role: 'group',
      'aria-label': `Sites in ${region.name}`,
      'data-region': region.id,
      class: 'map',
    });
    map.append(svg('rect', { class: 'sea', width: region.width, height: region.height }));
    for (const country of world) {
      const outline = path(country);
      if (!outline) continue;
      const shape = svg('path', {
        d: outline,
        class: 'country',
        'data-country-name': country.properties.name,
      });
      shape.append(Object.assign(svg('title'), { textContent: country.properties.name }));
      map.append(shape);
    }
    const inRegion = sites
      .filter((site) => regionOf(site) === region)
      // Small sites last, so a large neighbour never hides them.
      .sort((a, b) => b.gpuCount - a.gpuCount);
    const placed = spreadOverlaps(
      inRegion.map((site) => {
        const [x, y] = projection([site.location.lon, site.location.lat]);
        return { site, x, y, r: 4 + 6 * Math.sqrt(site.gpuCount / 100) };
      }),
    );
    for (const { site, x, y, r, trueX, trueY } of placed) {
      const point = [site.location.lon, site.location.lat];
      const locatedIn =
        world.find((country) => geoContains(country, point))?.properties.name ?? 'open sea';
      if (Math.hypot(x - trueX, y - trueY) > 0.5) {
        // Moved off a neighbour: a leader line back to where the site really is.
        map.append(
          svg('line', {
            class: 'leader',
            x1: trueX,
            y1: trueY,
            x2: x.toFixed(1),
            y2: y.toFixed(1),
          }),
          svg('circle', { class: 'true-location', cx: trueX, cy: trueY, r: 2 }),
        );
      }
      const marker = svg('circle', {
        class: 'site-marker',
        cx: x.toFixed(1),
        cy: y.toFixed(1),
        r: r.toFixed(1),
        tabindex: 0,
        role: 'button',
        'data-site-id': site.id,
        'data-country': site.country,
        'data-located-in': locatedIn,
        'aria-describedby': 'map-tooltip',
      });
      marker.addEventListener('mouseenter', () => showTooltip(site, marker));
      marker.addEventListener('focus', () => showTooltip(site, marker));
      marker.addEventListener('mouseleave', () => (tooltip.hidden = true));
      marker.addEventListener('blur', () => (tooltip.hidden = true));
      const open = () => {
        state.siteId = site.id;
        context.navigate('energy');
      };
      marker.addEventListener('click', open);
      marker.addEventListener('keydown', (event) => {
        if (event.key === 'Enter' || event.key === ' ') {
          event.preventDefault();
          open();
        }
      });
      markers.push({ site, marker, locatedIn });
      map.append(marker);
    }
    panels.append(
      el(
        'figure',
        { class: `map-panel map-panel-${region.id}` },
        map,
        el('figcaption', {}, region.name),
      ),
    );
  }

  function describe(site) {
    const { used, online, share } = hourOf(site, hour);
    return `${site.name}: ${integer(site.gpuCount)} ${site.gpuModel} GPUs, ${integer(used)} of ${integer(online)} allocated (${percent(share)})`;
  }

  function showTooltip(site, marker) {
    const entry = markers.find((candidate) => candidate.site === site);
    const { used, online, share } = hourOf(site, hour);
    tooltip.replaceChildren(
      el('strong', {}, site.name),
      el('span', {}, `Country: ${entry.locatedIn} (${site.country})`),
      el(
        'span',
        {},
        `Operator: ${site.operatorLegalEntity}, jurisdiction ${site.operatorJurisdiction}`,
      ),
      el(
        'span',
        {},
        `${integer(site.gpuCount)} ${site.gpuModel} GPUs · ${integer(used)} of ${integer(online)} allocated (${percent(share)})`,
      ),
      el('span', { class: 'hint' }, 'Enter or click: energy and compute of this site'),
    );
    const box = marker.getBoundingClientRect();
    const frame = panels.getBoundingClientRect();
    tooltip.style.left = `${box.right - frame.left + 8}px`;
    tooltip.style.top = `${box.top - frame.top}px`;
    tooltip.hidden = false;
  }

  function paint() {
    hourText.textContent = slots[hour] ? slotLabel(slots[hour].slot) : 'no hour';
    for (const { site, marker } of markers) {
      const { online, share } = hourOf(site, hour);
      marker.setAttribute('fill', online > 0 ? utilisationColour(share) : '#9e9e9e');
      marker.setAttribute('data-utilisation', share.toFixed(3));
      marker.setAttribute('aria-label', describe(site));
    }
    listing.replaceChildren(
      table(
        `Sites in ${slots[hour] ? slotLabel(slots[hour].slot) : 'the chosen hour'}`,
        ['Site', 'Country', 'Operator jurisdiction', 'GPUs', 'Allocated', 'Utilisation'],
        [...markers, ...elsewhere].map(({ site, locatedIn }) => {
          const { used, share } = hourOf(site, hour);
          return [
            site.name,
            locatedIn ? `${locatedIn} (${site.country})` : `${site.country} (outside the map)`,
            site.operatorJurisdiction,
            `${integer(site.gpuCount)} ${site.gpuModel}`,
            integer(used),
            percent(share),
          ];
        }),
        { class: 'data', id: 'map-sites' },
      ),
    );
  }

  slider.addEventListener('input', () => {
    hour = Number(slider.value);
    tooltip.hidden = true;
    paint();
  });

  const legend = el(
    'div',
    { class: 'legend', 'aria-label': "Colour: share of the site's GPUs allocated in the hour" },
    el('span', {}, 'GPUs allocated in the hour:'),
    RAMP.map((colour, index) =>
      el(
        'span',
        { class: 'swatch-label' },
        el('span', { class: 'swatch', style: `background:${colour}` }),
        `${(index * 100) / RAMP.length}–${((index + 1) * 100) / RAMP.length} %`,
      ),
    ),
    el(
      'span',
      { class: 'swatch-label' },
      el('span', { class: 'swatch', style: 'background:#9e9e9e' }),
      'offline',
    ),
    el('span', {}, 'Size: GPUs at the site'),
  );

  body.replaceChildren(
    el(
      'div',
      { class: 'hour-control' },
      el('label', { for: 'map-hour' }, 'Hour'),
      slider,
      hourText,
    ),
    legend,
    el('div', { class: 'map-frame' }, panels, tooltip),
    listing,
  );
  paint();
}
