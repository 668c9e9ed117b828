// ECharts, module by module: import this only from screens that draw charts, so the library is
// split into their lazy chunks and never weighs on the initial bundle. Add a chart type or
// component here when a screen needs one.
import * as echarts from 'echarts/core';
import { BarChart, LineChart, PieChart } from 'echarts/charts';
import { DatasetComponent, GridComponent, LegendComponent, TitleComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([
  BarChart, LineChart, PieChart,
  DatasetComponent, GridComponent, LegendComponent, TitleComponent, TooltipComponent,
  CanvasRenderer,
]);

export { echarts };
export type { EChartsCoreOption } from 'echarts/core';
