// Column layout shared by the asset table's header and its rows, so they line up without a <table>
// (a custom element cannot sit inside <tbody>). Below 1100 px each row becomes a small card: state and
// priority side by side, and below 640 px one under the other, so every choice shows whole. The render
// time column is there where a table sets --render-column (the Assets page).
import { css } from 'lit'

export const assetGridStyles = css`
  .asset-grid {
    display: grid;
    grid-template-columns: minmax(9rem, 1.8fr) minmax(6rem, 0.8fr) minmax(13rem, 1.4fr) minmax(12.5rem, 1.2fr) var(--priority-column, minmax(17.5rem, 1.6fr)) var(--render-column, 0px);
    gap: 8px 12px;
    align-items: center;
  }
  /* Its own track, whether or not the priority column is there. */
  .asset-grid > .render-time { grid-column: 6; }
  @media (max-width: 1100px) {
    .asset-grid > .render-time { grid-column: auto; }
    .asset-grid { grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); }
    .asset-grid > .name, .asset-grid > .owner { grid-column: 1 / -1; }
    .asset-grid > .type { display: none; }
  }
  @media (max-width: 640px) {
    .asset-grid { grid-template-columns: minmax(0, 1fr); }
  }
`
