// Column layout shared by the asset table's header and its rows, so they line up without a <table>
// (a custom element cannot sit inside <tbody>). Below 720 px each row becomes a small card.
import { css } from 'lit'

export const assetGridStyles = css`
  .asset-grid {
    display: grid;
    grid-template-columns: minmax(9rem, 2.2fr) minmax(6rem, 1fr) minmax(10rem, 1.4fr) minmax(8rem, 1.2fr) var(--priority-column, minmax(8rem, 1.2fr));
    gap: 8px 12px;
    align-items: center;
  }
  @media (max-width: 720px) {
    .asset-grid { grid-template-columns: 1fr 1fr; }
    .asset-grid > .name, .asset-grid > .owner { grid-column: 1 / -1; }
    .asset-grid > .type { display: none; }
  }
`
