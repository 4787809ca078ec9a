// Column layout shared by the asset table's header and its rows, so they line up without a <table>
// (a custom element cannot sit inside <tbody>). Below 720 px each row becomes a small card.
import { css } from 'lit'

export const assetGridStyles = css`
  .asset-grid {
    display: grid;
    grid-template-columns: minmax(9rem, 1.8fr) minmax(6rem, 0.8fr) minmax(10rem, 1.4fr) minmax(11rem, 1.2fr) var(--priority-column, minmax(16rem, 1.6fr));
    gap: 8px 12px;
    align-items: center;
  }
  @media (max-width: 720px) {
    /* On a phone each row is a card, one field under the other, so every choice shows whole. */
    .asset-grid { grid-template-columns: minmax(0, 1fr); }
    .asset-grid > .type { display: none; }
  }
`
