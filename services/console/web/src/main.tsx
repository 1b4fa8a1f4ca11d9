import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { LoadingOutlined } from '@ant-design/icons';
import { App as AntApp, ConfigProvider } from 'antd';
import zhCN from 'antd/locale/zh_CN';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { AuthProvider } from './auth';
import { AppRouter } from './router';

dayjs.locale('zh-cn');

// A button's own loading icon, shown without antd's width animation: that animation's end event can be
// missed on a busy machine (an answer arriving before the icon's entry finished), leaving an invisible
// "loading" icon in the button for good — its accessible name then reads "loading 同意" to a screen reader.
const button = { loadingIcon: <LoadingOutlined /> };

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ConfigProvider locale={zhCN} theme={{ token: { colorPrimary: '#c8161d', borderRadius: 6 } }} button={button}>
      <AntApp>
        <AuthProvider>
          <AppRouter />
        </AuthProvider>
      </AntApp>
    </ConfigProvider>
  </StrictMode>,
);
